namespace SagaFiles.Contracts;

/// <summary>A file went through every step: its results are published, or (an archive) every child file finished.</summary>
public record FileProcessingCompleted
{
    public required Guid FileId { get; init; }

    /// <summary>The published objects; empty for an archive.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}
