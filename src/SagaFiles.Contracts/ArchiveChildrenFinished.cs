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

    /// <summary>Whether the failed children stay within Processing:Archives:ToleratedFailurePercent: the archive completes
    /// (with its failed children listed) rather than fails. True for reports sent before the setting existed.</summary>
    public bool WithinTolerance { get; init; } = true;

    /// <summary>The tolerated share of failed children, in percent, that <see cref="WithinTolerance" /> was decided by.</summary>
    public double ToleratedFailurePercent { get; init; }
}
