using System.ComponentModel.DataAnnotations;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Components.Consumers;

/// <summary>What the convert step does with each type of file (section <c>Processing</c>).</summary>
public sealed class ProcessingOptions
{
    public const string Section = "Processing";

    /// <summary>
    /// Routing rules, first match wins; a file no rule matches passes through. None configured: tabular text to
    /// Parquet, archives into child files (<see cref="FileRouter.DefaultRules" />).
    /// </summary>
    public List<RoutingRule> Routes { get; set; } = [];

    /// <summary>How long one run of the convert step may take before it is cancelled and the file fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "12:00:00")]
    public TimeSpan MaxStepDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The worker's resident memory past which a running convert step is cancelled and its file fails.</summary>
    [Range(64L * 1024 * 1024, long.MaxValue)]
    public long MaxWorkerMemoryBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How often a running step reports its progress (<see cref="StepProgressed" />), which moves its attempt's
    /// FileSaga:StepTimeout on; well below that timeout, so a report arrives before it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The section of <see cref="ArchiveExpansionOptions" />: nesting depth, total bytes, compression ratio, entries.</summary>
    public const string ArchivesSection = $"{Section}:Archives";
}
