namespace SagaFiles.Contracts;

public record ChecksumComputed : StepCompleted
{
    /// <summary>Lower-case hex SHA-256 of the original.</summary>
    public required string Sha256 { get; init; }

    public required long Size { get; init; }
}
