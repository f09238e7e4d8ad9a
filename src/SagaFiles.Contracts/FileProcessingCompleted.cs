namespace SagaFiles.Contracts;

/// <summary>A file went through every step: its results are published, or (an archive) every child file finished.</summary>
public record FileProcessingCompleted
{
    public required Guid FileId { get; init; }

    /// <summary>The published objects; empty for an archive, and when <see cref="OutputManifest" /> lists them.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }

    /// <summary>Where the published objects are listed when the list is too long for a message.</summary>
    public OutputManifest? OutputManifest { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}
