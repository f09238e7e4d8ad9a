using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Processing.Processors;

/// <summary>Tabular text becomes Parquet with ZSTD: CSV and TSV (<see cref="CsvToParquetConverter" />).</summary>
public sealed class ParquetConversionProcessor : IFileProcessor
{
    public const string ParquetMediaType = "application/vnd.apache.parquet";
    public const string ParquetFormat = "parquet";

    readonly CsvToParquetConverter _csv = new();

    public string Name => FileRouter.Parquet;

    public async Task<ProcessingOutcome> ProcessAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputs);
        var name = Path.ChangeExtension(input.FileName, ".parquet");
        var table = input.Type.Kind switch
        {
            FileKind.Csv or FileKind.Tsv => await _csv.ConvertAsync(input.Content, outputs.CreateResult(name),
                CsvConversionOptions.For(input.Type), cancellationToken).ConfigureAwait(false),
            _ => throw new ConversionException($"{input.Type.Name} content cannot be converted to Parquet.")
        };
        return new ProcessingOutcome([new ProcessedResult(name, ParquetFormat, ParquetMediaType, table)]);
    }
}
