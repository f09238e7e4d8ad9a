namespace SagaFiles.Contracts;

/// <summary>
/// Every child file of the archive has reached Completed or Failed; these are the counts. A child retried after that
/// reports again, and the archive hears the new counts.
/// </summary>
public record ArchiveChildrenFinished
{
    public required Guid FileId { get; init; }

    public required int ChildrenCompleted { get; init; }

    public required int ChildrenFailed { get; init; }
}
