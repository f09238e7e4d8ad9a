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
    /// How many of an archive's children are on their way at once: the next is published as one finishes. Every file on
    /// the queues waits its turn behind these (by Little's law, a file's latency is the files in flight over the files
    /// done per second), so it is kept near what the workers process at once: 8 suits two workers on two cores; raise it
    /// by about 4 per added worker core, or an archive runs slower than the workers could take it.
    /// </summary>
    [Range(1, 10_000)]
    public int ChildrenInFlight { get; set; } = 8;
}
