using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Processors;

/// <summary>CSV and TSV become Parquet (see <see cref="CsvToParquetConverter" />).</summary>
public sealed class ParquetConversionProcessor(CsvToParquetConverter converter) : IFileProcessor
{
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    public ParquetConversionProcessor() : this(new CsvToParquetConverter())
    {
    }

    public ProcessorKind Kind => ProcessorKind.ParquetConversion;

    public bool CanProcess(DetectedFileType type) => type.Kind is FileKind.Csv or FileKind.Tsv;

    public string OutputFileName(string fileName) => Path.ChangeExtension(fileName, ".parquet");

    public async Task<ProcessingResult> ProcessAsync(Stream input, Stream output, DetectedFileType type,
        CancellationToken cancellationToken)
    {
        var result = await converter.ConvertAsync(input, output, CsvConversionOptions.For(type), cancellationToken)
            .ConfigureAwait(false);
        return new ProcessingResult(Kind, ParquetMediaType, result.InputBytes, result.OutputBytes, result);
    }
}
