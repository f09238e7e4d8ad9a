using System.ComponentModel.DataAnnotations;

namespace SagaFiles.Components.Consumers;

/// <summary>When an archive whose children have all finished completes rather than fails (section <c>Processing:Archives</c>).</summary>
public sealed class ArchiveCompletionOptions
{
    /// <summary>
    /// The share of failed children, in percent, an archive completes with (its failed children listed); more fails it. 0:
    /// one failed child fails the archive. A retried child that completes later can bring it within and complete it.
    /// </summary>
    [Range(0d, 100d)]
    public double ToleratedFailurePercent { get; set; }
}
