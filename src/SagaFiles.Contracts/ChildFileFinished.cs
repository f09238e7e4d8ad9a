namespace SagaFiles.Contracts;

/// <summary>
/// A file that came out of an archive reached Completed or Failed; the archive's children are counted apart from the
/// archive's saga (<see cref="ArchiveChildrenFinished" /> tells it when all are done). A child that failed and was then
/// retried reports again, naming the outcome it reported before, so it moves between the counts.
/// </summary>
public record ChildFileFinished
{
    public required Guid ParentFileId { get; init; }

    public required Guid FileId { get; init; }

    public required bool Succeeded { get; init; }

    /// <summary>What this child reported before (true: Completed, false: Failed), or null the first time.</summary>
    public bool? PreviouslySucceeded { get; init; }
}
