namespace SagaFiles.Processing.Processors;

/// <summary>
/// Counts a CSV or TSV input's rows as the converter reads it, for <see cref="IProcessingProgress.RowsConverted" />,
/// without the converter's help (it stays free to read as it likes): the rows of the pass it is making, from a read at
/// the input's start through the reads that follow on. The converter reads the start more than once (its encoding, a
/// sample of rows to infer the column types) before the pass that writes, whose rows it counts ahead of those written
/// by one buffer; a read elsewhere stops the count until the next pass.
/// <para>
/// A row ends at a line break outside quotes: a quote opens a field only at the field's start and a doubled quote
/// inside one is a quote, as <see cref="Conversion.CsvRecordReader" /> reads them; blank lines are not rows, nor is the
/// first record (taken as the header, so a file without one shows a row less until its outcome says how many). The
/// encodings the converter reads (UTF-8, Windows-1252, Latin-1) write these characters as the same single bytes.
/// </para>
/// </summary>
/// <remarks>Disposing it leaves the input open: it is the caller's (<see cref="ProcessingInput.Content" />).</remarks>
sealed class CsvRowCountingStream(Stream inner, char delimiter, IProcessingProgress progress) : Stream
{
    static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    readonly byte _delimiter = (byte)delimiter;
    long _next = -1;
    long _records;
    bool _quoted;
    bool _quoteInQuoted;
    bool _started;
    byte _last = (byte)'\n';

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var at = inner.Position;
        var read = inner.Read(buffer);
        Saw(at, buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var at = inner.Position;
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Saw(at, buffer.Span[..read]);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() => inner.Flush();

    /// <summary>Counts a read at <paramref name="at" />: on from the last one, or a new pass from the start; the end of the input ends its last row.</summary>
    void Saw(long at, ReadOnlySpan<byte> bytes)
    {
        if (at != _next)
        {
            if (at > Bom.Length)
            {
                _next = -1; // neither the pass's next bytes nor the start: nothing counts until a pass starts again
                return;
            }

            (_records, _quoted, _quoteInQuoted, _started, _last) = (0, false, false, false, (byte)'\n');
        }

        _next = at + bytes.Length;
        if (at == 0 && bytes.StartsWith(Bom))
            bytes = bytes[Bom.Length..];
        if (!bytes.IsEmpty)
            Scan(bytes);
        else if (_started && _next == inner.Length)
            EndRecord();
        else
            return;
        progress.RowsConverted(Math.Max(0, _records - 1));
    }

    void Scan(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (_quoteInQuoted)
            {
                // The quote before closed the field, unless this is its double.
                _quoteInQuoted = false;
                if (bytes[i] == '"')
                {
                    i++;
                    continue;
                }

                _quoted = false;
            }

            if (_quoted)
            {
                var quote = bytes[i..].IndexOf((byte)'"');
                if (quote < 0)
                    break;
                i += quote + 1;
                _quoteInQuoted = true;
                continue;
            }

            var next = bytes[i..].IndexOfAny((byte)'"', (byte)'\n', (byte)'\r');
            if (next != 0)
                _started = true;
            if (next < 0)
                break;
            var at = i + next;
            if (bytes[at] == '"')
            {
                _started = true;
                var before = at > 0 ? bytes[at - 1] : _last;
                _quoted = before == _delimiter || before is (byte)'\n' or (byte)'\r';
            }
            else if (_started)
            {
                EndRecord();
            }

            i = at + 1;
        }

        _last = bytes[^1];
    }

    void EndRecord()
    {
        _records++;
        _started = false;
    }
}
