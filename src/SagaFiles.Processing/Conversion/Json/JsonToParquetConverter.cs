namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Converts JSON (one object, or an array of objects) and JSON Lines (one object per line) to Parquet with ZSTD: each
/// object is a row, nested objects' keys are dotted column names and arrays are JSON text (docs/adr/0005).
/// <para>
/// Two passes over the input, both streaming: the first learns every key path and its values' types (a key may first
/// appear in the last record), the second writes the rows. Memory depends on the row-group size, the number of
/// columns and the longest single value, not on the file; <see cref="ProcessingLimits" /> bound the key paths, their
/// length and the nesting depth. Numbers become Int64, Double or Decimal, booleans Boolean,
/// strings that are all ISO 8601 dates or date-times Date or Timestamp; a key whose values are of different kinds is a
/// string column; null and a missing key are null.
/// </para>
/// </summary>
public sealed class JsonToParquetConverter
{
    /// <param name="input">UTF-8 JSON, read from its current position; must be seekable (stage uploads to a temp file).</param>
    /// <param name="output">Receives the Parquet file from its current position; need not seek; left open.</param>
    /// <param name="options">JSON or JSON Lines, Parquet layout, limits.</param>
    /// <param name="cancellationToken">Checked between records.</param>
    /// <exception cref="ConversionException">Malformed, truncated or empty input, or input without keys; the message names
    /// the line.</exception>
    public async Task<ConversionResult> ConvertAsync(Stream input, Stream output, JsonConversionOptions options,
        CancellationToken cancellationToken = default)
    {
        ConversionStreams.Validate(input, output);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var inputStart = input.Position;
        var schema = new JsonTableSchema(options.Limits);
        await ReadRecordsAsync(input, schema, schema, options, cancellationToken).ConfigureAwait(false);
        var (names, specs) = schema.Complete();

        input.Position = inputStart;
        using var table = new ParquetTableWriter(output, names, specs, options.ParquetOptions);
        await ReadRecordsAsync(input, schema, new JsonRowWriter(table, specs, options.RowsWritten), options, cancellationToken)
            .ConfigureAwait(false);
        var written = table.Close();
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var columns = names.Select((name, c) => new ConvertedColumn(name, specs[c].Type, specs[c].Scale)).ToList();
        return new ConversionResult(written.Rows, columns, input.Length - inputStart, written.OutputBytes,
            written.RowGroups, Restarted: false);
    }

    static async Task ReadRecordsAsync(Stream input, JsonTableSchema schema, IJsonRecordSink sink,
        JsonConversionOptions options, CancellationToken cancellationToken)
    {
        var tokens = new JsonTokenReader(input, options.MaxValueBytes, options.Limits.MaxJsonDepth);
        var records = new JsonRecordReader(tokens, options.Lines);
        var flattener = new JsonRecordFlattener(tokens, schema, sink, options.MaxValueBytes);
        while (await records.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await flattener.FlattenAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
