namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Converts CSV/TSV (UTF-8 with or without BOM, RFC 4180 quoting, header row first) to Parquet with ZSTD, in row groups,
/// so memory depends on the row-group size and not on the file.
/// <para>
/// Column types are inferred from the first <see cref="CsvConversionOptions.SampleRows" /> rows. When a later value does
/// not fit its column's type, no value is dropped or nulled: the converter scans the whole input once to learn every
/// column's type, rewinds both streams and converts again (so the input must be seekable, and a restart also needs a
/// seekable output; without one the conversion fails naming the line, column and value). Every empty field is null.
/// </para>
/// </summary>
public sealed class CsvToParquetConverter
{
    /// <param name="input">CSV text, read from its current position; must be seekable (stage uploads to a temp file).</param>
    /// <param name="output">Receives the Parquet file from its current position; left open.</param>
    /// <param name="options">Delimiter, sample size, row-group size, compression level.</param>
    /// <param name="cancellationToken">Checked between records.</param>
    /// <exception cref="ConversionException">Malformed or empty input; the message names the line.</exception>
    public async Task<ConversionResult> ConvertAsync(Stream input, Stream output, CsvConversionOptions options,
        CancellationToken cancellationToken = default)
    {
        ConversionStreams.Validate(input, output);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var inputStart = input.Position;
        var outputStart = output.CanSeek ? output.Position : 0;

        var (header, specs) = await ProfileAsync(input, inputStart, options, options.SampleRows, cancellationToken)
            .ConfigureAwait(false);
        var pass = await WriteAsync(input, inputStart, output, header, specs, options, cancellationToken).ConfigureAwait(false);
        var restarted = false;
        if (pass.Mismatch is { } mismatch)
        {
            if (!output.CanSeek)
                throw new ConversionException(
                    $"{mismatch.Describe(header)}, and the output cannot be rewound to convert again with a wider type.",
                    mismatch.Line);

            (header, specs) = await ProfileAsync(input, inputStart, options, long.MaxValue, cancellationToken)
                .ConfigureAwait(false);
            output.SetLength(outputStart);
            output.Position = outputStart;
            pass = await WriteAsync(input, inputStart, output, header, specs, options, cancellationToken).ConfigureAwait(false);
            if (pass.Mismatch is { } again)
                throw new InvalidOperationException(
                    $"A full scan did not settle the column types: line {again.Line}, {again.Describe(header)}.");
            restarted = true;
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var written = pass.Written!.Value;
        var columns = header.Select((name, i) => new ConvertedColumn(name, specs[i].Type, specs[i].Scale)).ToList();
        return new ConversionResult(written.Rows, columns, input.Length - inputStart, written.OutputBytes, written.RowGroups,
            restarted);
    }

    /// <summary>Reads the header and up to <paramref name="rowLimit" /> rows, and infers each column's spec.</summary>
    static async Task<(IReadOnlyList<string> Header, ColumnSpec[] Specs)> ProfileAsync(Stream input, long start,
        CsvConversionOptions options, long rowLimit, CancellationToken cancellationToken)
    {
        await using var reader = await CsvRecordReader.OpenAsync(input, start, options, cancellationToken).ConfigureAwait(false);
        var profiles = reader.Header.Select(_ => new ColumnProfile()).ToArray();
        for (long row = 0; row < rowLimit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false); row++)
        {
            for (var c = 0; c < profiles.Length; c++)
            {
                var field = reader.Field(c);
                if (!field.IsEmpty)
                    profiles[c].Observe(field);
            }
        }

        return (reader.Header, profiles.Select(p => p.Infer()).ToArray());
    }

    static async Task<WritePass> WriteAsync(Stream input, long inputStart, Stream output, IReadOnlyList<string> header,
        ColumnSpec[] specs, CsvConversionOptions options, CancellationToken cancellationToken)
    {
        await using var reader = await CsvRecordReader.OpenAsync(input, inputStart, options, cancellationToken)
            .ConfigureAwait(false);
        using var writer = new ParquetTableWriter(output, header, specs, options.ParquetOptions);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var c = 0; c < header.Count; c++)
            {
                var field = reader.Field(c);
                if (field.IsEmpty)
                    writer.AppendNull(c);
                else if (!writer.TryAppend(c, field))
                    return new WritePass(null, new Mismatch(reader.Line, c, specs[c], field.ToString()));
            }

            writer.EndRow();
        }

        return new WritePass(writer.Close(), null);
    }

    /// <summary>Either the summary of a complete file or the value that did not fit its column.</summary>
    sealed record WritePass(ParquetWriteSummary? Written, Mismatch? Mismatch);

    sealed record Mismatch(long Line, int Column, ColumnSpec Spec, string Value)
    {
        const int MaxShown = 80;

        public string Describe(IReadOnlyList<string> header)
        {
            var shown = Value.Length <= MaxShown ? Value : Value[..MaxShown] + "...";
            return $"column '{header[Column]}': value \"{shown}\" does not fit the {Spec.Type} type " +
                   "inferred from the sampled rows";
        }
    }
}
