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

    /// <summary>The section of <see cref="ArchiveExpansionOptions" />: nesting depth, total bytes, compression ratio, entries.</summary>
    public const string ArchivesSection = $"{Section}:Archives";
}
