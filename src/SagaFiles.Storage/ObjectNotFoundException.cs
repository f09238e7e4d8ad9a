namespace SagaFiles.Storage;

/// <summary>The object (or its bucket) does not exist.</summary>
public sealed class ObjectNotFoundException(string bucket, string key, Exception? innerException = null)
    : StorageException($"s3://{bucket}/{key} does not exist.", isTransient: false, innerException)
{
    public string Bucket { get; } = bucket;

    public string Key { get; } = key;
}
