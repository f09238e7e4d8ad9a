namespace SagaFiles.Contracts;

/// <summary>A file went through every step; its result is published.</summary>
public record FileProcessingCompleted
{
    public required Guid FileId { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}
