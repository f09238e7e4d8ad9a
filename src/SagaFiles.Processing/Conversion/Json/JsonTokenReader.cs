using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Reads JSON tokens from a stream through one buffer, grown only for a token longer than it (up to a limit), so a
/// document of any size is read in bounded memory. Knows the line and column of each token, decodes strings to text,
/// and turns every kind of malformed input into a <see cref="ConversionException" /> naming the line.
/// </summary>
sealed class JsonTokenReader
{
    const int InitialBufferBytes = 64 * 1024;

    readonly Stream _input;
    readonly int _maxTokenBytes;
    readonly int _maxDepth;
    byte[] _buffer;
    int _start;
    int _end;
    bool _inputEnded;
    bool _anyToken;
    JsonReaderState _state;

    // Absolute byte offsets: of _buffer[_start], and of the first byte of the line _start is on.
    long _offset;
    long _lineStart;
    long _line = 1;

    char[] _text = new char[256];
    int _textLength;

    // A NaN, Infinity or -Infinity overwritten in the buffer (JsonNonFiniteNumbers): its absolute offset and itself.
    long _nonFiniteAt = -1;
    byte[] _nonFinite = [];

    /// <param name="input">UTF-8 JSON (a byte order mark is skipped), read from its current position.</param>
    /// <param name="maxTokenBytes">The longest single token accepted; a longer one fails the conversion.</param>
    /// <param name="maxDepth">How deep objects and arrays may nest (<see cref="ProcessingLimits.MaxJsonDepth" />).</param>
    public JsonTokenReader(Stream input, int maxTokenBytes, int maxDepth)
    {
        _input = input;
        _maxTokenBytes = maxTokenBytes;
        _maxDepth = maxDepth;
        // One level more than allowed, so that the limit's own message, not the reader's, reports the breach.
        _state = new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = maxDepth + 1 });
        _buffer = new byte[Math.Min(InitialBufferBytes, maxTokenBytes)];
    }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The 1-based line the current token starts on.</summary>
    public long Line { get; private set; }

    /// <summary>The 1-based byte position in its line where the current token starts.</summary>
    public long Column { get; private set; }

    /// <summary>The current token as text: a string's or property name's unescaped value, a number as written,
    /// true or false; empty for other tokens. Valid until the next read.</summary>
    public ReadOnlySpan<char> Text => _text.AsSpan(0, _textLength);

    /// <summary>Moves to the next token (several top-level values may follow each other); false at the end of input.</summary>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken) =>
        TryReadBuffered(out var read) ? ValueTask.FromResult(read) : ReadAfterFillAsync(cancellationToken);

    async ValueTask<bool> ReadAfterFillAsync(CancellationToken cancellationToken)
    {
        bool read;
        do
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        } while (!TryReadBuffered(out read));

        return read;
    }

    /// <summary>Reads a token from the buffer; false when the buffer ends inside it and more input is needed.</summary>
    bool TryReadBuffered(out bool read)
    {
        read = false;
        if (_offset == 0 && !_inputEnded && _end < 3)
            return false; // the first bytes decide whether there is a byte order mark

        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _inputEnded, _state);
        try
        {
            if (!reader.Read())
                return _inputEnded;
        }
        catch (JsonException e)
        {
            switch (JsonNonFiniteNumbers.TrySubstitute(_buffer.AsSpan(_start, _end - _start), _inputEnded, out var at,
                        out _nonFinite))
            {
                case JsonNonFiniteNumbers.Outcome.Substituted:
                    _nonFiniteAt = _offset + at;
                    return TryReadBuffered(out read);
                case JsonNonFiniteNumbers.Outcome.NeedMore:
                    return false;
                default:
                    throw Malformed(e);
            }
        }

        Take(ref reader);
        read = true;
        return true;
    }

    void Take(ref Utf8JsonReader reader)
    {
        var consumed = _buffer.AsSpan(_start, (int)reader.BytesConsumed);
        var tokenStart = (int)reader.TokenStartIndex;
        CountLines(consumed[..tokenStart], _offset);
        Line = _line;
        Column = _offset + tokenStart - _lineStart + 1;
        CountLines(consumed[tokenStart..], _offset + tokenStart);

        TokenType = reader.TokenType;
        if (TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= _maxDepth)
            throw ProcessingLimits.Breach(nameof(ProcessingLimits.MaxJsonDepth), reader.CurrentDepth + 1, _maxDepth,
                "objects and arrays nest deeper", Line);
        _textLength = TokenType switch
        {
            JsonTokenType.String or JsonTokenType.PropertyName => CopyString(ref reader),
            JsonTokenType.Number => CopyAscii(_offset + tokenStart == _nonFiniteAt ? _nonFinite : reader.ValueSpan),
            JsonTokenType.True => CopyAscii("true"u8),
            JsonTokenType.False => CopyAscii("false"u8),
            _ => 0
        };

        _start += consumed.Length;
        _offset += consumed.Length;
        _state = reader.CurrentState;
        _anyToken = true;
    }

    void CountLines(ReadOnlySpan<byte> bytes, long offset)
    {
        var last = bytes.LastIndexOf((byte)'\n');
        if (last < 0)
            return;
        _line += bytes.Count((byte)'\n');
        _lineStart = offset + last + 1;
    }

    int CopyString(ref Utf8JsonReader reader)
    {
        EnsureTextCapacity(reader.ValueSpan.Length); // UTF-8 never needs more UTF-16 units than bytes
        try
        {
            return reader.CopyString(_text);
        }
        catch (InvalidOperationException e)
        {
            if (reader.ValueIsEscaped && Utf8.IsValid(reader.ValueSpan))
                return UnescapeReplacingLoneSurrogates(reader.ValueSpan, _text);
            throw new ConversionException(
                $"the string at byte {Column} is not valid UTF-8 text: JSON must be UTF-8; save the file as UTF-8.",
                Line, e);
        }
    }

    /// <summary>
    /// A string's text when it escapes half a surrogate pair: JSON.stringify and Python's json.dumps write one as
    /// "\ud83d" (text cut inside an emoji). No UTF-8 text holds it, so it reads as U+FFFD, as a UTF-8 encoder writes
    /// it, rather than failing the file.
    /// </summary>
    static int UnescapeReplacingLoneSurrogates(ReadOnlySpan<byte> raw, char[] text)
    {
        var length = Encoding.UTF8.GetChars(raw, text);
        var written = 0; // never ahead of the escape being read, so the text is unescaped in place
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                c = text[++i] switch
                {
                    'b' => '\b',
                    'f' => '\f',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => (char)ushort.Parse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier,
                        CultureInfo.InvariantCulture),
                    var escaped => escaped
                };
                if (text[i] == 'u')
                    i += 4;
            }

            text[written++] = c;
        }

        for (var i = 0; i < written; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < written && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                text[i] = '\uFFFD';
        }

        return written;
    }

    int CopyAscii(ReadOnlySpan<byte> ascii)
    {
        EnsureTextCapacity(ascii.Length);
        Ascii.ToUtf16(ascii, _text, out var written);
        return written;
    }

    void EnsureTextCapacity(int length)
    {
        if (_text.Length < length)
            _text = new char[Math.Max(length, _text.Length * 2)];
    }

    async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxTokenBytes)
                throw new ConversionException(
                    $"a single JSON value is longer than {_maxTokenBytes:N0} bytes, the most a value may hold.", _line);
            Array.Resize(ref _buffer, (int)Math.Min(_maxTokenBytes, 2L * _buffer.Length));
        }

        var read = await _input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        _inputEnded = read == 0;
        if (_offset == 0 && (_end >= 3 || _inputEnded) && _buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8))
        {
            _start = 3;
            _offset = _lineStart = 3;
        }
    }

    ConversionException Malformed(JsonException e)
    {
        var rest = _buffer.AsSpan(_start, _end - _start);
        if (!_anyToken && rest.Trim(" \t\r\n"u8).IsEmpty)
            return new ConversionException("The input holds no JSON: it is empty or only whitespace.", null, e);

        if (_inputEnded && EndsInsideToken())
        {
            var endLine = _line + rest.Count((byte)'\n');
            return new ConversionException(
                "the JSON ends before the document is complete (an object, array or string is not closed): " +
                "the file looks truncated.", endLine, e);
        }

        var line = (e.LineNumber ?? _line - 1) + 1;
        var column = (e.BytePositionInLine ?? 0) + 1;
        return new ConversionException($"invalid JSON at byte {column}: {Reason(e)}.", line, e);
    }

    /// <summary>True when the failing token is only incomplete: given more input, the reader would have waited for it.</summary>
    bool EndsInsideToken()
    {
        var probe = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), isFinalBlock: false, _state);
        try
        {
            return !probe.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The reader's message without its own 0-based position suffix.</summary>
    static string Reason(JsonException e)
    {
        var message = e.Message;
        var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (position >= 0 ? message[..position] : message).TrimEnd('.', ' ');
        // The reader's advice on its options is for programmers, not for whoever wrote the file.
        reason = reason.Replace(" which is not supported in this mode. Change the reader options",
            ", which JSON does not allow", StringComparison.Ordinal);
        return reason.StartsWith("'/'", StringComparison.Ordinal) ? $"{reason} (JSON has no comments)" : reason;
    }
}
