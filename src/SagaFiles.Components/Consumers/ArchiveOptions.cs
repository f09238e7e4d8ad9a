using System.ComponentModel.DataAnnotations;

namespace SagaFiles.Components.Consumers;

/// <summary>How an archive's children flow and when the archive completes rather than fails (section <c>Processing:Archives</c>).</summary>
public sealed class ArchiveOptions
{
    /// <summary>
    /// The share of failed children, in percent, an archive completes with (its failed children listed); more fails it. 0:
    /// one failed child fails the archive. A retried child that completes later can bring it within and complete it.
    /// </summary>
    [Range(0d, 100d)]
    public double ToleratedFailurePercent { get; set; }

    /// <summary>
    /// How many of an archive's children are on their way at once: the next is published as one finishes. It bounds how
    /// many messages of one archive wait ahead of other files on each queue (their latency), so raise it with the workers
    /// (it caps the archive at about this many children per child's latency).
    /// </summary>
    [Range(1, 10_000)]
    public int ChildrenInFlight { get; set; } = 32;
}
