using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using SagaFiles.Processing.Detection;

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
/// A quote inside an unquoted field (5'11", 12" pizza) is kept as a literal character, as spreadsheets write it. Whether
/// a quote at a field's start opens a quoted field is <see cref="CsvConversionOptions.Quoting" />: with
/// <see cref="CsvQuoting.Sniffed" /> (detected files) a file that does not quote (IMDb's datasets) is read with quotes
/// as plain characters. Read with quotes, text after a closing quote and an unterminated quote fail naming their line;
/// so does a row with another field count.
/// </para>
/// <para>
/// The rows are cut into chunks of whole records that parse on up to
/// <see cref="ProcessingLimits.MaxConversionThreads" /> threads (<see cref="WriteAsync" />); the file written and the
/// first failure reported do not depend on the number of threads.
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
        var encoding = await InputEncoding.ChooseAsync(input, inputStart, cancellationToken).ConfigureAwait(false);
        var source = new Source(input, inputStart, encoding, options);
        var sampled = SampledQuoting.Quoted; // as the options say: read once, never again without quoting
        if (options.Quoting == CsvQuoting.Sniffed)
        {
            (sampled, var preamble) = await SniffDialectAsync(source, cancellationToken).ConfigureAwait(false);
            source = source with
            {
                Options = source.Options with
                {
                    Quoting = sampled switch
                    {
                        SampledQuoting.Unquoted => CsvQuoting.None,
                        SampledQuoting.BackslashEscaped => CsvQuoting.BackslashEscaped,
                        _ => CsvQuoting.Rfc4180
                    },
                    PreambleRecords = preamble
                }
            };
        }

        try
        {
            return await ConvertAsync(source, output, outputStart, cancellationToken).ConfigureAwait(false);
        }
        catch (ConversionException quoted) when (sampled == SampledQuoting.Unknown && output.CanSeek && quoted.MalformedRecord &&
                                                  (TextSniffer.QuoteLeftOpenMeansUnquoted(options.Delimiter) ||
                                                   !CsvRecordReader.IsQuoteLeftOpen(quoted.InnerException)))
        {
            // The sniffed prefix told nothing of quoting (no quote at a field's start, typically), so the file was read
            // as RFC 4180, and past the prefix a record is malformed: most likely a file that never quotes, with a
            // quote at a field's start. Start again from the source with quoting off, as the second pass for wider
            // types does (rewinding both streams: nothing is buffered, memory stays bounded); when that reading fails
            // too, the one that got further is the file's likelier dialect, so its failure is the one reported. As in
            // the sniff, a quote left open in a file delimited by other than tabs fails as it is (a lost closing quote).
            output.SetLength(outputStart);
            output.Position = outputStart;
            try
            {
                return await ConvertAsync(source.With(CsvQuoting.None), output, outputStart, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (ConversionException plain) when (!(plain.LineNumber > quoted.LineNumber))
            {
                ExceptionDispatchInfo.Throw(quoted); // with its own stack trace
                throw; // not reached
            }
        }
    }

    /// <summary>How many bytes from the input's start <see cref="SniffDialectAsync" /> reads.</summary>
    const int DialectSniffLength = 1024 * 1024;

    /// <summary>What the input's first MiB says about its quoting and preamble (<see cref="TextSniffer.DialectOf" />).</summary>
    static async Task<(SampledQuoting Quoting, int PreambleRecords)> SniffDialectAsync(Source source,
        CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(DialectSniffLength);
        try
        {
            source.Input.Position = source.Start + source.Encoding.BomLength;
            var read = await source.Input.ReadAtLeastAsync(bytes.AsMemory(0, DialectSniffLength), DialectSniffLength,
                throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var truncated = read == DialectSniffLength;
            // The encoding's sniff found this prefix valid; a character may straddle its end.
            var length = truncated ? TextSniffer.CompleteUtf8Length(bytes.AsSpan(0, read)) : read;
            var text = source.Encoding.Encoding.GetString(bytes, 0, length);
            return TextSniffer.DialectOf(text, source.Options.Delimiter, truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Converts the input as <paramref name="source" /> says to read it, from its first row.</summary>
    static async Task<ConversionResult> ConvertAsync(Source source, Stream output, long outputStart,
        CancellationToken cancellationToken)
    {
        var table = await ProfileAsync(source, source.Options.SampleRows, hasHeader: null, cancellationToken)
            .ConfigureAwait(false);
        if (source.Options.PreambleRecords > 0 && !table.HasHeader)
        {
            // Only a header ends a preamble: narrower rows before data rows are data (ragged rows, reported as such).
            source = source with { Options = source.Options with { PreambleRecords = 0 } };
            table = await ProfileAsync(source, source.Options.SampleRows, hasHeader: null, cancellationToken)
                .ConfigureAwait(false);
        }

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
        return new ConversionResult(written.Rows, columns, source.Input.Length - source.Start, written.OutputBytes,
            written.RowGroups, restarted);
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
        var isHeader = hasHeader ?? !HeaderRow.IsData(reader.FirstRecord, specs, source.Options.PreambleRecords > 0);
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

    /// <summary>Records per chunk at most: small chunks keep the threads evenly busy, and hold little text at a time.</summary>
    const int ChunkRecords = 8192;

    /// <summary>A chunk ends at the first record boundary past this many bytes (or a kibibyte per column, for wide rows:
    /// each chunk sets up a reader, whose cost grows with the columns).</summary>
    const int ChunkBytes = 1024 * 1024;

    /// <summary>
    /// Converts the data rows in chunks of whole records (<see cref="CsvChunker" />), several to a row group: chunks parse
    /// on up to <see cref="ProcessingLimits.MaxConversionThreads" /> threads at once, each into column buffers of its
    /// own, and row groups are written strictly in input order, so the file and the first failure reported are those
    /// of one thread; a row group's columns encode on up to as many threads (<see cref="RowGroupEncoding" />). One
    /// <see cref="ThreadGate" /> counts every thread's work (cutting chunks, parsing, encoding): a conversion never
    /// keeps more threads busy than its setting. At most two row groups' worth of chunks are held (one being written,
    /// the next being parsed), as when a row group was encoded beside the parser, and of each only its parsed values
    /// once parsed.
    /// </summary>
    static async Task<WritePass> WriteAsync(Source source, Stream output, Table table, CancellationToken cancellationToken)
    {
        var options = source.Options;
        var threads = options.Limits.MaxConversionThreads;
        using var writer = new ParquetTableWriter(output, table.Names, table.Specs, options.ParquetOptions with { Threads = 1 });
        var chunkRecords = Math.Min(ChunkRecords, writer.RowsPerGroup);
        var chunkBytes = (int)Math.Min(CsvChunker.MaxGroupBytes, Math.Max(ChunkBytes, 1024L * table.Names.Count));
        var maxInFlight = Math.Max(2 * ((writer.RowsPerGroup + chunkRecords - 1) / chunkRecords), threads + 1);
        var parser = new CsvChunkParser(source.Encoding.Encoding, options, table.Names.Count, table.HasHeader);
        var pool = new ChunkPool();
        source.Input.Position = source.Start + source.Encoding.BomLength;
        var chunker = new CsvChunker(source.Input, source.Encoding.Encoding.GetBytes([options.Delimiter]),
            quoted: options.Quoting != CsvQuoting.None, options.Quoting == CsvQuoting.BackslashEscaped, chunkRecords,
            writer.RowsPerGroup, chunkBytes, Math.Max(options.MaxRecordLength, CsvChunkParser.BufferSize), pool.Rent,
            pool.Return);
        var gate = new ThreadGate(threads);
        var inFlight = new Queue<Part>();
        // The first chunk holds the preamble and the header besides its rows.
        var header = options.PreambleRecords + (table.HasHeader ? 1 : 0);
        var completeGroups = 0;
        var rowsWritten = 0L;
        Action<int>? taken = options.RowsWritten is { } report ? rows => report(rowsWritten += rows) : null;
        try
        {
            while (true)
            {
                // A row group is written once it is complete and enough chunks wait; an incomplete one may exceed the
                // count (rows so long that a row group takes more chunks).
                while (completeGroups > 0 && inFlight.Count >= maxInFlight)
                {
                    completeGroups--;
                    if (await WriteRowGroupAsync(source, writer, table, pool, gate, threads, inFlight, taken, cancellationToken)
                            .ConfigureAwait(false) is { } mismatch)
                        return new WritePass(null, mismatch);
                }

                CsvChunk? chunk;
                await gate.EnterAsync(urgent: true, cancellationToken).ConfigureAwait(false);
                try
                {
                    chunk = await chunker.NextAsync(header, cancellationToken).ConfigureAwait(false);
                    header = 0;
                }
                finally
                {
                    gate.Exit();
                }

                if (chunk is null)
                    break;
                var buffers = pool.RentColumns() ?? writer.NewRowGroupPart(chunkRecords);
                inFlight.Enqueue(new Part(chunk, buffers, threads == 1
                    ? Task.FromResult(ParseInline(parser, pool, chunk, buffers, cancellationToken))
                    : Task.Run(() => ParseBesideAsync(parser, pool, gate, chunk, buffers, cancellationToken), cancellationToken)));
                if (chunk.EndsGroup)
                    completeGroups++;
            }

            // The input may end right after a chunk that did not know it was the last.
            while (inFlight.Count > 0)
            {
                if (await WriteRowGroupAsync(source, writer, table, pool, gate, threads, inFlight, taken, cancellationToken)
                        .ConfigureAwait(false) is { } mismatch)
                    return new WritePass(null, mismatch);
            }

            return new WritePass(writer.Close(), null);
        }
        finally
        {
            // Parsing chunks fill buffers the writer and the pool own: none may outlive them. Their failures come after
            // the one being reported, or are moot once the conversion stops.
            foreach (var part in inFlight)
            {
                try
                {
                    await part.Parsed.ConfigureAwait(false);
                }
                catch (Exception)
                {
                }
            }
        }
    }

    static ChunkResult ParseInline(CsvChunkParser parser, ChunkPool pool, CsvChunk chunk, ColumnBuffer[] buffers,
        CancellationToken cancellationToken)
    {
        var result = parser.Parse(chunk, buffers, cancellationToken);
        pool.Return(chunk.Buffer);
        return result;
    }

    static async Task<ChunkResult> ParseBesideAsync(CsvChunkParser parser, ChunkPool pool, ThreadGate gate, CsvChunk chunk,
        ColumnBuffer[] buffers, CancellationToken cancellationToken)
    {
        await gate.EnterAsync(urgent: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return parser.Parse(chunk, buffers, cancellationToken);
        }
        finally
        {
            gate.Exit();
            pool.Return(chunk.Buffer);
        }
    }

    /// <summary>
    /// Writes the oldest row group (its chunks up to the one that ends it, or all that are left), or returns the first
    /// mismatch in it; a chunk's failure is thrown with the input's line. <paramref name="taken" /> hears each chunk's
    /// rows as they join the row group.
    /// </summary>
    static async Task<Mismatch?> WriteRowGroupAsync(Source source, ParquetTableWriter writer, Table table, ChunkPool pool,
        ThreadGate gate, int threads, Queue<Part> inFlight, Action<int>? taken, CancellationToken cancellationToken)
    {
        var parts = new List<ColumnBuffer[]>();
        var rows = 0;
        while (inFlight.TryPeek(out var part))
        {
            var result = await part.Parsed.ConfigureAwait(false);
            inFlight.Dequeue();
            if (result.Failure is { Cause: DecoderFallbackException invalid })
                throw await source.Encoding.InvalidUtf8ErrorAsync(source.Input, source.Start, invalid, cancellationToken)
                    .ConfigureAwait(false);
            if (result.Failure is { } failure)
                throw new ConversionException(failure.Message!, part.Chunk.Line + failure.Line!.Value - 1, failure.Cause)
                {
                    MalformedRecord = true
                };
            if (result.Mismatch is { } mismatch)
                return new Mismatch(part.Chunk.Line + mismatch.Line - 1, mismatch.Column, table.Specs[mismatch.Column],
                    mismatch.Value);
            parts.Add(part.Buffers);
            rows += result.Rows;
            taken?.Invoke(result.Rows);
            if (part.Chunk.EndsGroup)
                break;
        }

        if (rows > 0)
            await EncodeAsync(writer.BeginRowGroup(parts, rows), gate, threads, cancellationToken).ConfigureAwait(false);

        foreach (var buffers in parts)
            pool.ReturnColumns(buffers);
        return null;
    }

    /// <summary>
    /// Encodes a row group's columns on this thread and up to <paramref name="threads" /> - 1 helpers, each counted by
    /// the gate as urgent work: a helper starts as soon as a thread comes free, and a thread that finds no column left
    /// goes back to parsing the next row group. Returns once every worker is done, failed or not, so no buffer of the
    /// row group is read after it.
    /// </summary>
    static async Task EncodeAsync(RowGroupEncoding encoding, ThreadGate gate, int threads, CancellationToken cancellationToken)
    {
        var workers = new Task[Math.Min(threads, encoding.Columns)];
        for (var i = 1; i < workers.Length; i++)
            workers[i] = Task.Run(() => EncodeColumnsAsync(encoding, gate, cancellationToken), cancellationToken);
        workers[0] = EncodeColumnsAsync(encoding, gate, cancellationToken);
        await Task.WhenAll(workers).ConfigureAwait(false);
        encoding.Finish();
    }

    static async Task EncodeColumnsAsync(RowGroupEncoding encoding, ThreadGate gate, CancellationToken cancellationToken)
    {
        await gate.EnterAsync(urgent: true, cancellationToken).ConfigureAwait(false);
        try
        {
            while (encoding.EncodeNext())
            {
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>A chunk, the column buffers it parses into, and its parse.</summary>
    sealed record Part(CsvChunk Chunk, ColumnBuffer[] Buffers, Task<ChunkResult> Parsed);

    /// <summary>
    /// Chunk byte buffers and row groups' column buffers for reuse within one conversion, and no longer: the shared
    /// array pool would keep a chunk-sized array per thread and per core after the conversion, in every worker.
    /// </summary>
    sealed class ChunkPool
    {
        readonly Stack<byte[]> _bytes = new();
        readonly Stack<ColumnBuffer[]> _columns = new();

        public byte[] Rent(int length)
        {
            lock (_bytes)
            {
                while (_bytes.TryPop(out var buffer))
                {
                    if (buffer.Length >= length)
                        return buffer;
                }
            }

            return GC.AllocateUninitializedArray<byte>(length);
        }

        public void Return(byte[] buffer)
        {
            lock (_bytes)
                _bytes.Push(buffer);
        }

        /// <summary>Only the converting thread rents and returns column buffers.</summary>
        public ColumnBuffer[]? RentColumns() => _columns.TryPop(out var buffers) ? buffers : null;

        public void ReturnColumns(ColumnBuffer[] buffers)
        {
            foreach (var buffer in buffers)
                buffer.Clear();
            _columns.Push(buffers);
        }
    }

    /// <summary>The input and how to read it, for each pass over it.</summary>
    sealed record Source(Stream Input, long Start, InputEncoding Encoding, CsvConversionOptions Options)
    {
        /// <summary>The same input read with <paramref name="quoting" />.</summary>
        public Source With(CsvQuoting quoting) => this with { Options = Options with { Quoting = quoting } };

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
