using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Json;
using SagaFiles.Processing.Conversion.Sql;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Processing.Processors;

/// <summary>
/// Tabular text becomes Parquet with ZSTD: CSV and TSV (<see cref="CsvToParquetConverter" />), JSON and JSON Lines
/// (<see cref="JsonToParquetConverter" />), one file per table for a SQL dump (<see cref="SqlDumpToParquetConverter" />).
/// Every conversion holds to the <see cref="ProcessingLimits" /> it is built with.
/// </summary>
public sealed class ParquetConversionProcessor(ProcessingLimits limits) : IFileProcessor
{
    public const string ParquetMediaType = "application/vnd.apache.parquet";
    public const string ParquetFormat = "parquet";

    readonly CsvToParquetConverter _csv = new();
    readonly JsonToParquetConverter _json = new();
    readonly SqlDumpToParquetConverter _sql = new();

    public string Name => FileRouter.Parquet;

    public async Task<ProcessingOutcome> ProcessAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputs);
        if (input.Type.Kind is FileKind.Csv or FileKind.Tsv or FileKind.Json or FileKind.JsonLines or FileKind.SqlDump)
        {
            // UTF-16 text converts from a UTF-8 copy; a table's result counts the bytes of the file as it came (a dump's
            // tables count none of their own).
            await using var utf8 = await Utf16Input.TranscodeAsync(input.Content, cancellationToken).ConfigureAwait(false);
            if (utf8 is not null)
            {
                var outcome = await ConvertAsync(input with { Content = utf8 }, outputs, cancellationToken).ConfigureAwait(false);
                if (input.Type.Kind == FileKind.SqlDump)
                    return outcome;
                var inputBytes = input.Content.Length;
                return outcome with
                {
                    Results = outcome.Results.Select(r => r with { Table = r.Table! with { InputBytes = inputBytes } }).ToList()
                };
            }
        }

        return await ConvertAsync(input, outputs, cancellationToken).ConfigureAwait(false);
    }

    async Task<ProcessingOutcome> ConvertAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken)
    {
        if (input.Type.Kind == FileKind.SqlDump)
            return await ConvertDumpAsync(input, outputs, cancellationToken).ConfigureAwait(false);

        var name = Path.ChangeExtension(input.FileName, ".parquet");
        var table = input.Type.Kind switch
        {
            FileKind.Csv or FileKind.Tsv => await _csv.ConvertAsync(input.Content, outputs.CreateResult(name),
                CsvConversionOptions.For(input.Type, limits) with { RowsWritten = RowsOf(input) }, cancellationToken).ConfigureAwait(false),
            FileKind.Json or FileKind.JsonLines => await _json.ConvertAsync(input.Content, outputs.CreateResult(name),
                JsonConversionOptions.For(input.Type, limits) with { RowsWritten = RowsOf(input) }, cancellationToken).ConfigureAwait(false),
            _ => throw new ConversionException(input.Type.ClaimedKind is { } claimed
                ? $"The name says {FileKinds.Name(claimed)} ({input.Type.Extension}), but the content is binary, not text: export it as " +
                  $"{FileKinds.Name(claimed)} text (UTF-8), or upload it under the extension of what it is."
                : $"{input.Type.Name} content cannot be converted to Parquet.")
        };
        return new ProcessingOutcome([Result(name, table)]);
    }

    /// <summary>What the converters tell of the rows they wrote, passed on to whoever watches.</summary>
    static Action<long>? RowsOf(ProcessingInput input) => input.Progress is { } progress ? progress.RowsConverted : null;

    async Task<ProcessingOutcome> ConvertDumpAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken)
    {
        var dump = await _sql.ConvertAsync(input.Content, table => outputs.CreateResult(table + ".parquet"),
            SqlConversionOptions.Default with { Limits = limits, RowsWritten = RowsOf(input) },
            cancellationToken).ConfigureAwait(false);
        return new ProcessingOutcome(dump.Tables.Select(t => Result(t.Table + ".parquet", t.Result)).ToList());
    }

    static ProcessedResult Result(string name, ConversionResult table) => new(name, ParquetFormat, ParquetMediaType, table);
}
