namespace SagaFiles.Contracts;

/// <summary>A user asked for a Failed file to be processed again, from the step that failed.</summary>
public record FileRetryRequested
{
    public required Guid FileId { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>Who asked and how (one file, or a bulk retry and its filter), as the file's history records it.</summary>
    public string? Note { get; init; }
}
