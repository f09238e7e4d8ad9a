namespace SagaFiles.Contracts;

/// <summary>Compute the SHA-256 of the staged original.</summary>
public record ComputeChecksum : StepCommand
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }
}
