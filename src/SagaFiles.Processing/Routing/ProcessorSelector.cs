using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;

namespace SagaFiles.Processing.Routing;

/// <summary>
/// The router and the processors together: the one place that turns a detected type and tags into the processor to run,
/// for the worker's convert step and the local CLI alike.
/// </summary>
public sealed class ProcessorSelector
{
    readonly IReadOnlyList<IFileProcessor> _processors;

    public ProcessorSelector(FileRouter router, IEnumerable<IFileProcessor> processors)
    {
        ArgumentNullException.ThrowIfNull(processors);
        Router = router ?? throw new ArgumentNullException(nameof(router));
        _processors = processors.ToList();
    }

    /// <summary>The processors the worker registers (Parquet conversion, archive expansion), built from their settings.</summary>
    public static ProcessorSelector BuiltIn(ProcessingLimits limits, ArchiveExpansionOptions archives, IReadOnlyList<RoutingRule>? rules = null) =>
        new(new FileRouter(rules ?? []), [new ParquetConversionProcessor(limits), new ArchiveExpansionProcessor(archives)]);

    public FileRouter Router { get; }

    /// <summary>The route for <paramref name="type" /> and <paramref name="tags" />, with its processor (none for pass-through).</summary>
    /// <exception cref="InvalidOperationException">A rule names a processor that is not registered.</exception>
    public ProcessorChoice Choose(DetectedFileType type, IReadOnlyDictionary<string, string> tags)
    {
        var route = Router.Route(type, tags);
        if (route == FileRouter.PassThrough)
            return new ProcessorChoice(route, null);
        return new ProcessorChoice(route, _processors.FirstOrDefault(p => p.Name == route) ??
            throw new InvalidOperationException($"No processor named '{route}' is registered (the Processing:Routes configuration names it)."));
    }
}

/// <summary>What <see cref="ProcessorSelector.Choose" /> picked.</summary>
/// <param name="Route">The processor's name, or <see cref="FileRouter.PassThrough" />.</param>
/// <param name="Processor">The processor to run; null for pass-through (the original is the result).</param>
public sealed record ProcessorChoice(string Route, IFileProcessor? Processor);
