using System.Buffers;
using System.Text;
using Sylvan.Data.Csv;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Parses one <see cref="CsvChunk" /> into a row group's column buffers; chunks parse on several threads at once. Lines
/// are numbered from the chunk's start: only a failing chunk is parsed again counting them (counting every record's
/// line breaks costs more than it is worth on the path that succeeds). Failures come back as values, so the caller
/// reports the first one in input order, with the line rebased on the chunk's first line.
/// </summary>
sealed class CsvChunkParser(Encoding encoding, CsvConversionOptions options, int fieldCount, bool hasHeader)
{
    /// <summary>Characters Sylvan reads at a time; it grows to <see cref="CsvConversionOptions.MaxRecordLength" /> for a long record.</summary>
    public const int BufferSize = 64 * 1024;

    readonly CsvDataReaderOptions _csvOptions = options.ReaderOptions(BufferSize);

    public ChunkResult Parse(CsvChunk chunk, ColumnBuffer[] buffers, CancellationToken cancellationToken)
    {
        var result = Parse(chunk, buffers, countLines: false, cancellationToken);
        if (result.Failure is { Line: null })
        {
            foreach (var buffer in buffers)
                buffer.Clear();
            result = Parse(chunk, buffers, countLines: true, cancellationToken);
        }

        return result;
    }

    ChunkResult Parse(CsvChunk chunk, ColumnBuffer[] buffers, bool countLines, CancellationToken cancellationToken)
    {
        var text = new ChunkTextReader(chunk.Buffer, chunk.Length, encoding.GetDecoder());
        var sylvanBuffer = ArrayPool<char>.Shared.Rent(BufferSize);
        try
        {
            CsvDataReader reader;
            try
            {
                reader = CsvDataReader.Create(text, sylvanBuffer, _csvOptions); // reads the first record already
            }
            catch (Exception e) when (Failed(e, countLines ? 1 : null) is { } failed)
            {
                return failed;
            }

            using (reader)
                return Parse(chunk, reader, buffers, countLines, cancellationToken);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(sylvanBuffer);
        }
    }

    ChunkResult Parse(CsvChunk chunk, CsvDataReader reader, ColumnBuffer[] buffers, bool countLines,
        CancellationToken cancellationToken)
    {
        // The input's first records (after blank lines) are the preamble and the header or the first data row: only
        // chunk 0 has them.
        var beforeFirstRecord = chunk.Index == 0;
        var leading = chunk.Index == 0 ? options.PreambleRecords + (hasHeader ? 1 : 0) : 0;
        long nextLine = 1;
        var rows = 0;
        while (true)
        {
            var line = countLines ? nextLine : (long?)null;
            try
            {
                if (!reader.Read())
                    break;
            }
            catch (Exception e) when (Failed(e, line) is { } failed)
            {
                return failed;
            }

            var fields = reader.RowFieldCount;
            if (countLines)
            {
                var lineBreaks = 0;
                for (var i = 0; i < fields; i++)
                    lineBreaks += reader.GetFieldSpan(i).Count('\n');
                nextLine += 1 + lineBreaks;
            }

            // A blank line is no record, except in one-column input, where it is an empty value.
            if (fields == 1 && (beforeFirstRecord || fieldCount > 1) && CsvRecordReader.IsBlank(reader.GetFieldSpan(0)))
                continue;
            // Nor is a row of empty fields before the header (or the first row), as the profiling reader reads it.
            if ((beforeFirstRecord || leading > 0) && CsvRecordReader.IsBlankRecord(reader))
                continue;
            beforeFirstRecord = false;
            if (leading > 0)
            {
                leading--;
                continue;
            }

            if (!CsvRecordReader.HasFields(reader, fieldCount))
            {
                return line is null
                    ? Unlocated(rows)
                    : new ChunkResult(rows, new ChunkFailure(
                        $"expected {fieldCount} fields as in the first row, found {fields} (a ragged row).", null, line.Value));
            }

            for (var c = 0; c < fieldCount; c++)
            {
                var field = reader.GetFieldSpan(c);
                if (field.IsEmpty)
                    buffers[c].AppendNull();
                else if (!buffers[c].TryAppend(field))
                {
                    return line is null
                        ? Unlocated(rows)
                        : new ChunkResult(rows, null, new ChunkMismatch(line.Value, c, field.ToString()));
                }
            }

            if ((++rows & 4095) == 0)
                cancellationToken.ThrowIfCancellationRequested();
        }

        return new ChunkResult(rows, null);
    }

    /// <summary>The result for an error reading a record on <paramref name="line" />; null when it is not the input's fault.</summary>
    ChunkResult? Failed(Exception exception, long? line) => exception switch
    {
        DecoderFallbackException => new ChunkResult(0, new ChunkFailure(null, exception, 0)), // the encoding finds its line
        _ when CsvRecordReader.Describe(exception, options.MaxRecordLength) is not { } message => null,
        _ when line is null => Unlocated(0),
        _ => new ChunkResult(0, new ChunkFailure(CsvRecordReader.Describe(exception, options.MaxRecordLength), exception, line))
    };

    /// <summary>A failure whose line is not known yet: the chunk is parsed again counting lines.</summary>
    static ChunkResult Unlocated(int rows) => new(rows, new ChunkFailure(null, null, null));
}

/// <summary>Rows parsed, or why the chunk stopped: at most one of <paramref name="Failure" /> and <paramref name="Mismatch" />.</summary>
sealed record ChunkResult(int Rows, ChunkFailure? Failure, ChunkMismatch? Mismatch = null);

/// <summary>What failed, without the line's prefix; <paramref name="Cause" /> a <see cref="DecoderFallbackException" />
/// for text that is not in the chosen encoding. <paramref name="Line" /> counts from the chunk's first line.</summary>
sealed record ChunkFailure(string? Message, Exception? Cause, long? Line);

/// <summary>A value that does not fit its column's type, on a line counted from the chunk's first.</summary>
sealed record ChunkMismatch(long Line, int Column, string Value);

/// <summary>
/// Decodes a chunk's bytes straight into the reader's buffer: no stream, and no byte or character buffer of its own to
/// copy through. The chunk ends on a record boundary, so it never ends inside a character of valid text.
/// </summary>
sealed class ChunkTextReader(byte[] bytes, int length, Decoder decoder) : TextReader
{
    int _position;

    public override int Read(Span<char> buffer)
    {
        if (_position == length || buffer.IsEmpty)
            return 0;
        decoder.Convert(bytes.AsSpan(_position, length - _position), buffer, flush: true, out var used, out var chars, out _);
        _position += used;
        return chars;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int ReadBlock(Span<char> buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = Read(buffer[total..])) > 0)
            total += read;
        return total;
    }

    public override int ReadBlock(char[] buffer, int index, int count) => ReadBlock(buffer.AsSpan(index, count));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer, index, count));

    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
