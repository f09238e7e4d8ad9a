using System.Text;

namespace SagaFiles.Processing.Conversion.Sql;

enum SqlTokenKind
{
    End,

    /// <summary>An unquoted identifier or keyword.</summary>
    Word,

    /// <summary>A "quoted", `quoted` or [bracketed] identifier, unquoted.</summary>
    QuotedName,

    /// <summary>A string literal, unquoted and unescaped.</summary>
    String,

    /// <summary>An unsigned number as written: 42, 1.5, 2e-3, 0x1F.</summary>
    Number,

    /// <summary>Any other single character: ( ) , . - : and so on.</summary>
    Symbol,

    /// <summary>The statement terminator: ';' unless a MySQL DELIMITER command changed it.</summary>
    Delimiter
}

/// <summary>
/// Splits a SQL dump (UTF-8, BOM optional) into tokens as it streams, so a dump of any size is read once in bounded
/// memory. Skips white space and comments; MySQL's /*!40101 ... */ are read as the SQL they hold.
/// Unquotes 'strings' ('' inside; backslash escapes in MySQL dumps and in PostgreSQL's E'...'), PostgreSQL's
/// $tag$...$tag$ strings, "names", `names` and [names] (SQL Server's and SQLite's; ]] inside). Each token knows the line
/// it starts on.
/// <para>
/// A dump counts as MySQL once a backtick or a /*! comment appears (mysqldump writes both before any data): from then
/// on backslashes escape in strings and block comments do not nest, as in MySQL.
/// </para>
/// </summary>
sealed class SqlTokenizer(Stream input, int maxTokenLength)
{
    const int ByteBufferSize = 64 * 1024;

    /// <summary>Room kept in the char buffer beyond one read: decoded chars never outnumber bytes by more.</summary>
    const int DecoderSlack = 4;

    /// <summary>The longest PostgreSQL dollar-quote tag looked for ($tag$).</summary>
    const int MaxDollarTagLength = 64;

    // Invalid UTF-8 fails the conversion rather than turning into U+FFFD.
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly Decoder _decoder = StrictUtf8.GetDecoder();
    readonly byte[] _bytes = new byte[ByteBufferSize];
    readonly char[] _chars = new char[ByteBufferSize + MaxDollarTagLength + DecoderSlack];
    int _position;
    int _length;
    bool _endOfInput;
    long _line = 1;
    char[] _text = new char[256];
    int _textLength;

    /// <summary>White space or a comment came before the current token.</summary>
    bool _blankSkipped;

    bool _tokenSeen;

    /// <summary>Inside MySQL's /*!NNNNN ... */, whose */ is skipped as white space (they do not nest).</summary>
    bool _inExecutableComment;

    public SqlTokenKind Kind { get; private set; }

    /// <summary>The line the current token (or line, after <see cref="ReadLineAsync" />) starts on.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>The current token's text: unquoted for strings and quoted names.</summary>
    public ReadOnlySpan<char> Text => _text.AsSpan(0, _textLength);

    public long BytesRead { get; private set; }

    /// <summary>A backtick, a /*! comment or MySQL's SET @variable was seen: MySQL's string escapes apply.</summary>
    public bool IsMySql { get; set; }

    /// <summary>The current token is the first on its line.</summary>
    public bool StartsLine { get; private set; }

    /// <summary>A GO line was seen: SQL Server's batches, whose statements need not end with ';'.</summary>
    public bool IsSqlServer { get; private set; }

    /// <summary>What ends a statement; MySQL dumps change it around trigger and routine bodies (DELIMITER ;;).</summary>
    public string Delimiter { get; set; } = ";";

    public bool IsWord(string keyword) =>
        Kind == SqlTokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && _text[0] == symbol;

    /// <summary>Moves to the next token; false at the end of the input.</summary>
    public async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
    {
        // A '[' right after a name or ')', or before ']' or a digit, is PostgreSQL's array bracket (int[],
        // varchar(10)[], int [3]), not a [name].
        var subscriptable = Kind is SqlTokenKind.Word or SqlTokenKind.QuotedName || IsSymbol(')') || IsSymbol(']');
        _textLength = 0;
        var previousLine = _line;
        if (!await SkipBlankAsync(cancellationToken).ConfigureAwait(false))
        {
            Kind = SqlTokenKind.End;
            Line = _line;
            return false;
        }

        StartsLine = _line > previousLine || !_tokenSeen;
        _tokenSeen = true;
        Line = _line;
        var c = _chars[_position];
        if (c == Delimiter[0] && (Delimiter.Length == 1 || await AtLongDelimiterAsync(cancellationToken).ConfigureAwait(false)))
        {
            _position += Delimiter.Length;
            Append(Delimiter);
            Kind = SqlTokenKind.Delimiter;
        }
        else if (c is '\'' or '"' or '`')
        {
            _position++;
            IsMySql |= c == '`';
            await ReadQuotedAsync(c, backslashEscapes: c == '\'' && IsMySql, cancellationToken).ConfigureAwait(false);
            Kind = c == '\'' ? SqlTokenKind.String : SqlTokenKind.QuotedName;
        }
        else if (c == '[' && !(subscriptable && !_blankSkipped) &&
                 await PeekAsync(1, cancellationToken).ConfigureAwait(false) is not (']' or '\0' or (>= '0' and <= '9')))
        {
            _position++;
            await ReadQuotedAsync(']', backslashEscapes: false, cancellationToken).ConfigureAwait(false);
            Kind = SqlTokenKind.QuotedName;
        }
        else if (c == '$' && await DollarTagLengthAsync(cancellationToken).ConfigureAwait(false) is var tagLength and > 0)
        {
            await ReadDollarQuotedAsync(tagLength, cancellationToken).ConfigureAwait(false);
            Kind = SqlTokenKind.String;
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && await PeekAsync(1, cancellationToken).ConfigureAwait(false) is >= '0' and <= '9'))
        {
            await ReadNumberAsync(cancellationToken).ConfigureAwait(false);
            Kind = SqlTokenKind.Number;
        }
        else if (char.IsLetter(c) || c == '_')
        {
            await ReadWordAsync(cancellationToken).ConfigureAwait(false);
            if (StartsLine && IsWord("GO") && await RestOfLineIsBlankAsync(cancellationToken).ConfigureAwait(false))
            {
                Kind = SqlTokenKind.Delimiter; // SQL Server's batch separator, alone on its line
                IsSqlServer = true;
            }
        }
        else
        {
            _position++;
            Append(c);
            Kind = SqlTokenKind.Symbol;
        }

        return true;
    }

    /// <summary>
    /// Reads the rest of the current line (or the next whole line, at a line start) as <see cref="Text" />, without its
    /// line break; false at the end of the input. For COPY data and client commands, which are lines, not tokens.
    /// </summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        _textLength = 0;
        Line = _line;
        if (_position == _length && !await FillAsync(cancellationToken).ConfigureAwait(false))
            return false;

        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var available = _chars.AsSpan(_position, _length - _position);
            var end = available.IndexOf('\n');
            Append(end < 0 ? available : available[..end]);
            _position += end < 0 ? available.Length : end + 1;
            if (end >= 0)
            {
                _line++;
                break;
            }
        }

        if (_textLength > 0 && _text[_textLength - 1] == '\r')
            _textLength--;
        return true;
    }

    async ValueTask<bool> SkipBlankAsync(CancellationToken cancellationToken)
    {
        _blankSkipped = false;
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var c = _chars[_position];
            if (char.IsWhiteSpace(c))
            {
                Take();
            }
            else if ((c == '-' && await PeekAsync(1, cancellationToken).ConfigureAwait(false) == '-') || (c == '#' && IsMySql))
            {
                await SkipLineAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (c == '/' && await PeekAsync(1, cancellationToken).ConfigureAwait(false) == '*')
            {
                if (await PeekAsync(2, cancellationToken).ConfigureAwait(false) == '!' &&
                    char.IsAsciiDigit(await PeekAsync(3, cancellationToken).ConfigureAwait(false)))
                    await EnterExecutableCommentAsync(cancellationToken).ConfigureAwait(false);
                else
                    await SkipBlockCommentAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (c == '*' && _inExecutableComment && await PeekAsync(1, cancellationToken).ConfigureAwait(false) == '/')
            {
                _position += 2;
                _inExecutableComment = false;
            }
            else
            {
                return true;
            }

            _blankSkipped = true;
        }

        return false;
    }

    async ValueTask SkipLineAsync(CancellationToken cancellationToken)
    {
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Take() == '\n')
                return;
        }
    }

    /// <summary>
    /// MySQL's /*!50705 ... */ holds SQL that MySQL runs (from that version on): what mysqldump and sakila's scripts put
    /// there can be a column (/*!50705 location GEOMETRY */) or a row's value (/*!50705 0x0101...,*/), so its content is
    /// read as tokens and only its start and end are skipped.
    /// </summary>
    async ValueTask EnterExecutableCommentAsync(CancellationToken cancellationToken)
    {
        IsMySql = true;
        _position += 3;
        while (char.IsAsciiDigit(await PeekAsync(0, cancellationToken).ConfigureAwait(false)))
            _position++;
        _inExecutableComment = true;
    }

    async ValueTask SkipBlockCommentAsync(CancellationToken cancellationToken)
    {
        var start = _line;
        _position += 2;
        if (await PeekAsync(0, cancellationToken).ConfigureAwait(false) == '!')
            IsMySql = true;

        var depth = 1;
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var c = Take();
            if (c == '*' && await PeekAsync(0, cancellationToken).ConfigureAwait(false) == '/')
            {
                _position++;
                if (--depth == 0)
                    return;
            }
            else if (c == '/' && !IsMySql && await PeekAsync(0, cancellationToken).ConfigureAwait(false) == '*')
            {
                _position++;
                depth++; // PostgreSQL comments nest
            }
        }

        throw new ConversionException("a /* comment that starts here is never closed by */.", start);
    }

    async ValueTask ReadQuotedAsync(char quote, bool backslashEscapes, CancellationToken cancellationToken)
    {
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var available = _chars.AsSpan(_position, _length - _position);
            var stop = backslashEscapes ? available.IndexOfAny(quote, '\\', '\n') : available.IndexOfAny(quote, '\n');
            if (stop < 0)
            {
                Append(available);
                _position = _length;
                continue;
            }

            Append(available[..stop]);
            _position += stop;
            var c = Take();
            if (c == '\n')
            {
                Append(c);
            }
            else if (c == '\\')
            {
                if (_position == _length && !await FillAsync(cancellationToken).ConfigureAwait(false))
                    break;
                AppendEscaped(Take());
            }
            else if (await PeekAsync(0, cancellationToken).ConfigureAwait(false) == quote)
            {
                Append(Take()); // a doubled quote stands for itself
            }
            else
            {
                return;
            }
        }

        var what = quote == '\'' ? "string" : "quoted name";
        throw new ConversionException($"a {what} that opens with {(quote == ']' ? '[' : quote)} here is never closed.", Line);
    }

    /// <summary>MySQL's escapes (and the common part of PostgreSQL's E'...' ones).</summary>
    void AppendEscaped(char c)
    {
        switch (c)
        {
            case '0': Append('\0'); break;
            case 'b': Append('\b'); break;
            case 'f': Append('\f'); break;
            case 'n': Append('\n'); break;
            case 'r': Append('\r'); break;
            case 't': Append('\t'); break;
            case 'Z': Append('\x1A'); break;
            case '%' or '_': Append('\\'); Append(c); break; // MySQL keeps these two escaped outside LIKE
            default: Append(c); break;
        }
    }

    /// <summary>The length of a $tag$ or $$ at the current position; 0 when the '$' opens none.</summary>
    async ValueTask<int> DollarTagLengthAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(MaxDollarTagLength, cancellationToken).ConfigureAwait(false);
        var available = _chars.AsSpan(_position + 1, Math.Min(_length - _position - 1, MaxDollarTagLength - 1));
        for (var i = 0; i < available.Length; i++)
        {
            var c = available[i];
            if (c == '$')
                return i + 2;
            if (!(char.IsLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c))))
                return 0;
        }

        return 0;
    }

    async ValueTask ReadDollarQuotedAsync(int tagLength, CancellationToken cancellationToken)
    {
        var tag = new string(_chars, _position, tagLength);
        _position += tagLength;
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var available = _chars.AsSpan(_position, _length - _position);
            var dollar = available.IndexOf('$');
            var plain = dollar < 0 ? available : available[..dollar];
            _line += plain.Count('\n');
            Append(plain);
            _position += plain.Length;
            if (dollar < 0)
                continue;

            await EnsureAsync(tagLength, cancellationToken).ConfigureAwait(false);
            if (_chars.AsSpan(_position, Math.Min(tagLength, _length - _position)).SequenceEqual(tag))
            {
                _position += tagLength;
                return;
            }

            Append(Take());
        }

        throw new ConversionException($"a {tag}-quoted string that opens here is never closed.", Line);
    }

    async ValueTask ReadNumberAsync(CancellationToken cancellationToken)
    {
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var c = _chars[_position];
            var exponentSign = c is '+' or '-' && _textLength > 0 && _text[_textLength - 1] is 'e' or 'E' &&
                               !_text.AsSpan(0, _textLength).StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_' || exponentSign))
                return;
            Append(Take());
        }
    }

    async ValueTask ReadWordAsync(CancellationToken cancellationToken)
    {
        while (_position < _length || await FillAsync(cancellationToken).ConfigureAwait(false))
        {
            var available = _chars.AsSpan(_position, _length - _position);
            var end = 0;
            while (end < available.Length && (char.IsLetterOrDigit(available[end]) || available[end] is '_' or '$'))
                end++;
            Append(available[..end]);
            _position += end;
            if (end < available.Length)
                break;
        }

        Kind = SqlTokenKind.Word;
        // E'...' (PostgreSQL escapes), N'...' (national), X'...' and B'...' (hex and bit strings) are strings.
        if (_textLength == 1 && _text[0] is 'E' or 'e' or 'N' or 'n' or 'X' or 'x' or 'B' or 'b' &&
            await PeekAsync(0, cancellationToken).ConfigureAwait(false) == '\'')
        {
            var escapes = _text[0] is 'E' or 'e' || IsMySql;
            // PostgreSQL types N'...' as character(n), whose trailing spaces do not count: stored in a varchar or text
            // column (Chinook's N'Edinburgh '), the value has none. MySQL and SQL Server keep them.
            var national = _text[0] is 'N' or 'n' && !IsMySql && !IsSqlServer;
            _textLength = 0;
            _position++;
            await ReadQuotedAsync('\'', escapes, cancellationToken).ConfigureAwait(false);
            Kind = SqlTokenKind.String;
            while (national && _textLength > 0 && _text[_textLength - 1] == ' ')
                _textLength--;
        }
    }

    async ValueTask<bool> RestOfLineIsBlankAsync(CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < MaxDollarTagLength; offset++)
        {
            switch (await PeekAsync(offset, cancellationToken).ConfigureAwait(false))
            {
                case ' ' or '\t' or '\r':
                    continue;
                case '\n' or '\0':
                    return true;
                default:
                    return false;
            }
        }

        return false;
    }

    async ValueTask<bool> AtLongDelimiterAsync(CancellationToken cancellationToken) =>
        await EnsureAsync(Delimiter.Length, cancellationToken).ConfigureAwait(false) &&
        _chars.AsSpan(_position, Delimiter.Length).SequenceEqual(Delimiter);

    /// <summary>The char <paramref name="offset" /> places ahead; '\0' past the end of the input.</summary>
    async ValueTask<char> PeekAsync(int offset, CancellationToken cancellationToken) =>
        await EnsureAsync(offset + 1, cancellationToken).ConfigureAwait(false) ? _chars[_position + offset] : '\0';

    /// <summary>Makes <paramref name="count" /> chars available ahead, unless the input ends first.</summary>
    async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_length - _position < count)
        {
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
                return false;
        }

        return true;
    }

    /// <summary>Reads and decodes more input behind the unread chars; false once the input is exhausted.</summary>
    async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_position > 0)
        {
            _chars.AsSpan(_position, _length - _position).CopyTo(_chars);
            _length -= _position;
            _position = 0;
        }

        var before = _length;
        // A read can end inside a multi-byte sequence and so decode to nothing: read on until a char arrives.
        while (_length == before && !_endOfInput)
        {
            var room = Math.Min(_bytes.Length, _chars.Length - _length - DecoderSlack);
            var read = await input.ReadAsync(_bytes.AsMemory(0, room), cancellationToken).ConfigureAwait(false);
            _endOfInput = read == 0;
            try
            {
                _length += _decoder.GetChars(_bytes, 0, read, _chars, _length, flush: _endOfInput);
            }
            catch (DecoderFallbackException e)
            {
                throw new ConversionException("the input is not valid UTF-8 (here or in the next lines).", _line, e);
            }

            if (BytesRead == 0 && _length > 0 && _chars[0] == '\uFEFF')
            {
                _chars.AsSpan(1, --_length).CopyTo(_chars); // a byte order mark is not part of the dump
            }

            BytesRead += read;
        }

        return _length > before;
    }

    char Take()
    {
        var c = _chars[_position++];
        if (c == '\n')
            _line++;
        return c;
    }

    void Append(char c)
    {
        Reserve(1);
        _text[_textLength++] = c;
    }

    void Append(ReadOnlySpan<char> chars)
    {
        Reserve(chars.Length);
        chars.CopyTo(_text.AsSpan(_textLength));
        _textLength += chars.Length;
    }

    void Reserve(int count)
    {
        var needed = _textLength + count;
        if (needed <= _text.Length)
            return;
        if (needed > maxTokenLength)
            throw new ConversionException(
                $"a value or line longer than the {maxTokenLength:N0} characters allowed (is a quote left open?).", Line);
        Array.Resize(ref _text, (int)Math.Min(Math.Max(needed, 2L * _text.Length), maxTokenLength));
    }
}
