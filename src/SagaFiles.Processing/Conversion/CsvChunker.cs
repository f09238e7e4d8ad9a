using System.Buffers;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Cuts CSV bytes into chunks that end on record boundaries, so each chunk parses on its own thread, and groups the
/// chunks into row groups. It tracks quotes as the parser does (a quote opens a field only at the field's start; inside
/// quotes, two quotes are one), so a line break inside a quoted field is never a cut; it jumps between quotes and line
/// breaks with vectorized searches; for input that does not quote (<see cref="CsvQuoting.None" />) a quote is a
/// plain byte and only line breaks are boundaries. A chunk holds at most <c>recordsPerChunk</c> line-ended segments (blank lines
/// count, so never more records) and ends at the first boundary past <c>chunkBytes</c>; a row group ends after
/// <c>recordsPerGroup</c> segments, or at the end of the first chunk past <see cref="MaxGroupBytes" />. Small chunks keep
/// the bytes in memory small and the threads evenly busy. The text's encoding must keep the delimiter, quote, CR and LF
/// as their ASCII bytes (UTF-8, Windows-1252): no multi-byte character then contains them, so a cut never splits one.
/// </summary>
sealed class CsvChunker
{
    /// <summary>Bytes read from the input at a time (what follows the cut is copied to the next chunk's buffer).</summary>
    const int ReadBlock = 64 * 1024;

    /// <summary>A row group ends with the first chunk that takes it past this many bytes however few records it holds,
    /// which bounds the memory of a row group of long rows.</summary>
    public const int MaxGroupBytes = 16 * 1024 * 1024;

    readonly Stream _input;
    readonly byte[] _delimiter;
    readonly bool _quoted;
    readonly bool _backslashEscapes;
    readonly int _recordsPerChunk;
    readonly int _recordsPerGroup;
    readonly int _chunkBytes;
    readonly int _maxRecordBytes;
    readonly Func<int, byte[]> _rent;
    readonly Action<byte[]> _return;
    byte[]? _next;
    int _nextFilled;
    bool _endOfInput;
    int _index;
    long _line = 1;
    int _groupRecords;
    long _groupBytes;

    /// <param name="input">Positioned at the first byte of text (after any byte order mark).</param>
    /// <param name="delimiter">The delimiter's bytes in the input's encoding.</param>
    /// <param name="quoted">Whether a quote at a field's start opens a quoted field, as the parser reads it.</param>
    /// <param name="backslashEscapes">Whether a backslash inside quotes escapes the next character
    /// (<see cref="CsvQuoting.BackslashEscaped" />).</param>
    /// <param name="recordsPerChunk">Line-ended segments per chunk at most (the first chunk gets one more for a header).</param>
    /// <param name="recordsPerGroup">Line-ended segments per row group at most.</param>
    /// <param name="chunkBytes">A chunk ends at the first boundary past this many bytes.</param>
    /// <param name="maxRecordChars">The parser's longest record: a record past three bytes per character of it fails
    /// there anyway, so the chunk is cut inside it rather than growing on.</param>
    /// <param name="rent">A buffer of at least the given length, from the caller's pool.</param>
    /// <param name="return">Takes back a buffer that was outgrown.</param>
    public CsvChunker(Stream input, byte[] delimiter, bool quoted, bool backslashEscapes, int recordsPerChunk,
        int recordsPerGroup, int chunkBytes, int maxRecordChars, Func<int, byte[]> rent, Action<byte[]> @return)
    {
        _input = input;
        _delimiter = delimiter;
        _quoted = quoted;
        _backslashEscapes = backslashEscapes;
        _recordsPerChunk = recordsPerChunk;
        _recordsPerGroup = recordsPerGroup;
        _chunkBytes = chunkBytes;
        _maxRecordBytes = 3 * maxRecordChars + 4;
        _rent = rent;
        _return = @return;
    }

    int BufferLength => _chunkBytes + 2 * ReadBlock;

    /// <summary>The next chunk, or null at the end of the input. Its buffer belongs to the caller from now on.</summary>
    /// <param name="extraRecords">Records the chunk holds besides its rows (the preamble and the header in the first
    /// chunk).</param>
    public async ValueTask<CsvChunk?> NextAsync(int extraRecords, CancellationToken cancellationToken)
    {
        var buffer = _next ?? _rent(BufferLength);
        var filled = _nextFilled;
        _next = null;
        _nextFilled = 0;
        var scan = new Scan(_delimiter, _quoted, _backslashEscapes, Math.Min(_recordsPerChunk, _recordsPerGroup - _groupRecords) + extraRecords,
            _chunkBytes, leadingRecords: _index == 0 ? Math.Max(1, extraRecords) : 0);
        while (true)
        {
            var cut = scan.Run(buffer.AsSpan(0, filled), _endOfInput);
            if (cut < 0 && filled - scan.RecordStart > _maxRecordBytes)
                cut = filled; // the parser fails on this record before it reaches the cut
            if (cut < 0 && filled > _maxRecordBytes + _chunkBytes)
                cut = scan.RecordStart; // blank lines before the first record, past all measure
            if (cut < 0 && _endOfInput)
                cut = filled;
            if (cut >= 0)
            {
                if (cut == 0)
                    return null;
                if (filled > cut)
                {
                    _next = _rent(Math.Max(BufferLength, filled - cut + ReadBlock));
                    buffer.AsSpan(cut, filled - cut).CopyTo(_next);
                    _nextFilled = filled - cut;
                }

                _groupRecords += scan.Records - extraRecords;
                _groupBytes += cut;
                var endsGroup = _groupRecords >= _recordsPerGroup || _groupBytes >= MaxGroupBytes ||
                                (_endOfInput && _nextFilled == 0);
                if (endsGroup)
                    (_groupRecords, _groupBytes) = (0, 0);
                var chunk = new CsvChunk(_index++, buffer, cut, _line, endsGroup);
                _line += buffer.AsSpan(0, cut).Count((byte)'\n') + scan.BareCarriageReturns;
                return chunk;
            }

            if (buffer.Length - filled < ReadBlock)
            {
                var larger = _rent(Math.Max(buffer.Length * 2, filled + ReadBlock));
                buffer.AsSpan(0, filled).CopyTo(larger);
                _return(buffer);
                buffer = larger;
            }

            var read = await _input.ReadAtLeastAsync(buffer.AsMemory(filled, ReadBlock), ReadBlock, throwOnEndOfStream: false,
                cancellationToken).ConfigureAwait(false);
            filled += read;
            _endOfInput = read < ReadBlock;
        }
    }

    /// <summary>Whether a line holds nothing but delimiters, spaces and tabs.</summary>
    static bool IsBareDelimiters(ReadOnlySpan<byte> line, byte[] delimiter)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t') && !(delimiter.Length == 1 && b == delimiter[0]))
                return false;
        }

        return true;
    }

    /// <summary>The quote state machine over one chunk's bytes; resumes where it stopped when more bytes arrive.</summary>
    /// <param name="leadingRecords">For the input's first chunk, the records it must hold whatever its size (the
    /// preamble and the header, or the first row): blank lines before them are no records, so they neither count nor
    /// end the chunk.</param>
    struct Scan(byte[] delimiter, bool quoted, bool backslashEscapes, int records, int maxBytes, int leadingRecords)
    {
        static readonly SearchValues<byte> QuoteOrLineEnd = SearchValues.Create("\"\r\n"u8);
        static readonly SearchValues<byte> QuoteOrBackslash = SearchValues.Create("\"\\"u8);
        static readonly SearchValues<byte> LineEnd = SearchValues.Create("\r\n"u8);

        int _position;
        bool _inQuotes;
        int _seenRecords;

        /// <summary>Line-ended segments scanned.</summary>
        public int Records { get; private set; }

        /// <summary>Where the record being scanned starts.</summary>
        public int RecordStart { get; private set; }

        /// <summary>Records ended by a lone CR: the parser counts them as lines too.</summary>
        public int BareCarriageReturns { get; private set; }

        /// <summary>The cut (a boundary), or -1 when more bytes are needed to find one.</summary>
        public int Run(ReadOnlySpan<byte> bytes, bool final)
        {
            while (true)
            {
                if (_inQuotes)
                {
                    var quote = backslashEscapes
                        ? bytes[_position..].IndexOfAny(QuoteOrBackslash)
                        : bytes[_position..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        _position = bytes.Length;
                        return -1;
                    }

                    var at = _position + quote;
                    if (at + 1 == bytes.Length && !final)
                    {
                        _position = at; // a doubled quote or the closing one, or what a backslash escapes: the next byte says
                        return -1;
                    }

                    if (bytes[at] == '\\')
                    {
                        _position = Math.Min(at + 2, bytes.Length);
                        continue;
                    }

                    var doubled = at + 1 < bytes.Length && bytes[at + 1] == '"';
                    _inQuotes = doubled;
                    _position = at + (doubled ? 2 : 1);
                    continue;
                }

                var next = bytes[_position..].IndexOfAny(quoted ? QuoteOrLineEnd : LineEnd);
                if (next < 0)
                {
                    _position = bytes.Length;
                    return -1;
                }

                var i = _position + next;
                if (bytes[i] == '"')
                {
                    _inQuotes = i == RecordStart || (i - RecordStart >= delimiter.Length && bytes[..i].EndsWith(delimiter));
                    _position = i + 1;
                    continue;
                }

                int end;
                if (bytes[i] == '\n')
                    end = i + 1;
                else if (i + 1 < bytes.Length)
                {
                    end = bytes[i + 1] == '\n' ? i + 2 : i + 1;
                    if (end == i + 1)
                        BareCarriageReturns++;
                }
                else if (final)
                {
                    end = i + 1;
                    BareCarriageReturns++;
                }
                else
                {
                    _position = i; // CR LF or a lone CR: the next byte says
                    return -1;
                }

                // Before the leading records, a row of bare delimiters is blank too, as the parser reads it.
                var blank = i == RecordStart || (_seenRecords < leadingRecords && IsBareDelimiters(bytes[RecordStart..i], delimiter));
                _position = RecordStart = end;
                if (blank && _seenRecords < leadingRecords)
                    continue;
                _seenRecords++;
                if (++Records >= records || (end >= maxBytes && _seenRecords >= leadingRecords))
                    return end;
            }
        }
    }
}

/// <summary>Whole records of CSV bytes, the <paramref name="Index" />th chunk of the input, starting on
/// <paramref name="Line" />; <paramref name="EndsGroup" /> when it is the last chunk of its row group.</summary>
sealed record CsvChunk(int Index, byte[] Buffer, int Length, long Line, bool EndsGroup);
