using System.ComponentModel.DataAnnotations;
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

    /// <summary>Archives nested deeper than this are not expanded: the innermost one fails with the reason.</summary>
    [Range(1, 10)]
    public int MaxArchiveDepth { get; set; } = 3;
}
