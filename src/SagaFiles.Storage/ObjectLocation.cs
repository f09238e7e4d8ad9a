namespace SagaFiles.Storage;

/// <summary>An object's bucket and key.</summary>
public readonly record struct ObjectLocation(string Bucket, string Key)
{
    public override string ToString() => $"s3://{Bucket}/{Key}";
}
