namespace SagaFiles.Contracts;

/// <summary>The result is in the processed bucket.</summary>
public record ResultUploaded : StepCompleted
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required long Size { get; init; }
}
