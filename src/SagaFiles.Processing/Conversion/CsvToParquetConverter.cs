namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Converts CSV/TSV (RFC 4180 quoting) to Parquet with ZSTD, in row groups, so memory depends on the row-group size and
/// not on the file.
/// <para>
/// Text is UTF-8 with or without BOM, or Windows-1252/Latin-1 when the first MiBs are not UTF-8 but read as such text
/// (<see cref="InputEncoding" />). The first row is the header unless it looks like data (<see cref="HeaderRow" />), in
/// which case the columns are named column_1..column_n. Every empty field is null.
/// </para>
/// <para>
/// Column types are inferred from the first <see cref="CsvConversionOptions.SampleRows" /> rows. When a later value does
/// not fit its column's type, no value is dropped or nulled: the converter scans the whole input once to learn every
/// column's type, rewinds both streams and converts again (so the input must be seekable, and a restart also needs a
/// seekable output; without one the conversion fails naming the line, column and value).
/// </para>
/// <para>
/// A quote inside an unquoted field (5'11", 12" pizza) is kept as a literal character, as spreadsheets write it; text
/// after a closing quote, an unterminated quote and a row with another field count fail naming their line.
/// </para>
/// </summary>
public sealed class CsvToParquetConverter
{
    /// <param name="input">CSV text, read from its current position; must be seekable (stage uploads to a temp file).</param>
    /// <param name="output">Receives the Parquet file from its current position; left open.</param>
    /// <param name="options">Delimiter, sample size, row-group size, compression level.</param>
    /// <param name="cancellationToken">Checked between records.</param>
    /// <exception cref="ConversionException">Malformed, empty or header-only input, or text in no known encoding; the
    /// message names the line where there is one.</exception>
    public async Task<ConversionResult> ConvertAsync(Stream input, Stream output, CsvConversionOptions options,
        CancellationToken cancellationToken = default)
    {
        ConversionStreams.Validate(input, output);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var inputStart = input.Position;
        var outputStart = output.CanSeek ? output.Position : 0;
        var source = new Source(input, inputStart,
            await InputEncoding.ChooseAsync(input, inputStart, cancellationToken).ConfigureAwait(false), options);

        var table = await ProfileAsync(source, options.SampleRows, hasHeader: null, cancellationToken).ConfigureAwait(false);
        if (table.Rows == 0)
            throw new ConversionException(
                $"The file has a header row ({string.Join(", ", table.Names)}) but no data rows.");
        var pass = await WriteAsync(source, output, table, cancellationToken).ConfigureAwait(false);
        var restarted = false;
        if (pass.Mismatch is { } mismatch)
        {
            if (!output.CanSeek)
                throw new ConversionException(
                    $"{mismatch.Describe(table.Names)}, and the output cannot be rewound to convert again with a wider type.",
                    mismatch.Line);

            table = await ProfileAsync(source, long.MaxValue, table.HasHeader, cancellationToken).ConfigureAwait(false);
            output.SetLength(outputStart);
            output.Position = outputStart;
            pass = await WriteAsync(source, output, table, cancellationToken).ConfigureAwait(false);
            if (pass.Mismatch is { } again)
                throw new InvalidOperationException(
                    $"A full scan did not settle the column types: line {again.Line}, {again.Describe(table.Names)}.");
            restarted = true;
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var written = pass.Written!.Value;
        var columns = table.Names.Select((name, i) => new ConvertedColumn(name, table.Specs[i].Type, table.Specs[i].Scale))
            .ToList();
        return new ConversionResult(written.Rows, columns, input.Length - inputStart, written.OutputBytes, written.RowGroups,
            restarted);
    }

    /// <summary>
    /// Reads up to <paramref name="rowLimit" /> data rows and infers each column's spec; <paramref name="hasHeader" />
    /// null decides from these rows whether the first row is a header.
    /// </summary>
    static async Task<Table> ProfileAsync(Source source, long rowLimit, bool? hasHeader,
        CancellationToken cancellationToken)
    {
        await using var reader = await source.OpenAsync(firstRecordIsData: hasHeader == false, cancellationToken)
            .ConfigureAwait(false);
        var profiles = reader.FirstRecord.Select(_ => new ColumnProfile()).ToArray();
        long rows = 0;
        for (; rows < rowLimit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false); rows++)
        {
            for (var c = 0; c < profiles.Length; c++)
                Observe(profiles[c], reader.Field(c));
        }

        var specs = profiles.Select(p => p.Infer()).ToArray();
        var isHeader = hasHeader ?? !HeaderRow.IsData(reader.FirstRecord, specs);
        if (hasHeader is null && !isHeader)
        {
            for (var c = 0; c < profiles.Length; c++)
                Observe(profiles[c], reader.FirstRecord[c]);
            specs = profiles.Select(p => p.Infer()).ToArray();
            rows++;
        }

        if (isHeader)
        {
            foreach (var name in reader.FirstRecord)
                source.Options.Limits.CheckName(name, "the column name", reader.FirstRecordLine);
        }

        var names = isHeader
            ? CsvRecordReader.UniqueNames(reader.FirstRecord)
            : HeaderRow.GeneratedNames(reader.FieldCount);
        return new Table(names, specs, isHeader, rows);
    }

    /// <summary>Empty fields are nulls: they say nothing about a column's type.</summary>
    static void Observe(ColumnProfile profile, ReadOnlySpan<char> field)
    {
        if (!field.IsEmpty)
            profile.Observe(field);
    }

    static async Task<WritePass> WriteAsync(Source source, Stream output, Table table, CancellationToken cancellationToken)
    {
        await using var reader = await source.OpenAsync(firstRecordIsData: !table.HasHeader, cancellationToken)
            .ConfigureAwait(false);
        using var writer = new ParquetTableWriter(output, table.Names, table.Specs, source.Options.ParquetOptions);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var c = 0; c < table.Names.Count; c++)
            {
                var field = reader.Field(c);
                if (field.IsEmpty)
                    writer.AppendNull(c);
                else if (!writer.TryAppend(c, field))
                    return new WritePass(null, new Mismatch(reader.Line, c, table.Specs[c], field.ToString()));
            }

            writer.EndRow();
        }

        return new WritePass(writer.Close(), null);
    }

    /// <summary>The input and how to read it, for each pass over it.</summary>
    sealed record Source(Stream Input, long Start, InputEncoding Encoding, CsvConversionOptions Options)
    {
        public Task<CsvRecordReader> OpenAsync(bool firstRecordIsData, CancellationToken cancellationToken) =>
            CsvRecordReader.OpenAsync(Input, Start, Encoding, Options, firstRecordIsData, cancellationToken);
    }

    /// <summary>The columns' names and specs, whether the first row was their header, and how many rows were seen.</summary>
    sealed record Table(IReadOnlyList<string> Names, ColumnSpec[] Specs, bool HasHeader, long Rows);

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
