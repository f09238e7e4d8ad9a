using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Processors;

/// <summary>
/// Picks the processor for a detected file type: the first registered one that can process it, else pass-through.
/// </summary>
public sealed class FileProcessorRegistry
{
    readonly IReadOnlyList<IFileProcessor> _processors;
    readonly IFileProcessor _fallback;

    /// <param name="processors">Tried in order; pass-through is the fallback whether registered or not.</param>
    public FileProcessorRegistry(IEnumerable<IFileProcessor> processors)
    {
        ArgumentNullException.ThrowIfNull(processors);
        _processors = processors.ToList();
        _fallback = _processors.FirstOrDefault(p => p.Kind == ProcessorKind.PassThrough) ?? new PassThroughProcessor();
    }

    /// <summary>CSV/TSV to Parquet; everything else passes through.</summary>
    public static FileProcessorRegistry CreateDefault() => new([new ParquetConversionProcessor()]);

    public IReadOnlyList<IFileProcessor> Processors => _processors;

    public IFileProcessor Resolve(DetectedFileType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _processors.FirstOrDefault(p => p.Kind != ProcessorKind.PassThrough && p.CanProcess(type)) ?? _fallback;
    }
}
