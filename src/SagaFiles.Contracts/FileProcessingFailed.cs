namespace SagaFiles.Contracts;

/// <summary>A file could not be processed; the reason says why in terms a user can act on.</summary>
public record FileProcessingFailed
{
    public required Guid FileId { get; init; }

    public required string Step { get; init; }

    public required int Attempt { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset FailedAt { get; init; }
}
