using System.Text;
using Sylvan.Data.Csv;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Reads RFC 4180 records with Sylvan.Data.Csv and keeps track of the physical line each record starts on (quoted
/// fields may span lines), so every error names a line. The first record is kept aside as <see cref="FirstRecord" />
/// (a header, or data when the caller says so); records whose field count differs from it are rejected; blank lines
/// are skipped. Errors surface as <see cref="ConversionException" />.
/// </summary>
sealed class CsvRecordReader : IAsyncDisposable
{
    const int BufferSize = 64 * 1024;

    readonly CsvDataReader _reader;
    readonly Stream _input;
    readonly long _start;
    readonly InputEncoding _encoding;
    readonly int _maxRecordLength;
    bool _firstRecordPending;
    bool _onFirstRecord;
    long _nextLine = 1;

    CsvRecordReader(CsvDataReader reader, Stream input, long start, InputEncoding encoding, int maxRecordLength)
    {
        _reader = reader;
        _input = input;
        _start = start;
        _encoding = encoding;
        _maxRecordLength = maxRecordLength;
    }

    /// <summary>The fields of the first record: the header row, unless it was opened as data.</summary>
    public IReadOnlyList<string> FirstRecord { get; private set; } = [];

    /// <summary>The line the first record starts on (after any blank lines).</summary>
    public long FirstRecordLine { get; private set; }

    /// <summary>The line the current record starts on.</summary>
    public long Line { get; private set; } = 1;

    public int FieldCount => FirstRecord.Count;

    /// <summary>
    /// Opens <paramref name="input" /> at <paramref name="start" /> and reads the first record; with
    /// <paramref name="firstRecordIsData" /> the first <see cref="ReadAsync" /> returns it again as data.
    /// </summary>
    /// <exception cref="ConversionException">The input holds no record, or the first one is malformed.</exception>
    public static async Task<CsvRecordReader> OpenAsync(Stream input, long start, InputEncoding encoding,
        CsvConversionOptions options, bool firstRecordIsData, CancellationToken cancellationToken)
    {
        await CheckFirstRecordWidthAsync(input, start, encoding, options, cancellationToken).ConfigureAwait(false);
        input.Position = start + encoding.BomLength;
        var text = new StreamReader(input, encoding.Encoding, detectEncodingFromByteOrderMarks: false, BufferSize,
            leaveOpen: true);
        var csvOptions = options.ReaderOptions(BufferSize);

        CsvDataReader sylvan;
        try
        {
            sylvan = await CsvDataReader.CreateAsync(text, csvOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            text.Dispose();
            throw;
        }

        var reader = new CsvRecordReader(sylvan, input, start, encoding, options.MaxRecordLength);
        try
        {
            for (var skipped = 0; skipped <= options.PreambleRecords; skipped++)
            {
                if (!await reader.ReadRecordAsync(cancellationToken).ConfigureAwait(false))
                    throw new ConversionException("The input has no rows: it is empty or holds only blank lines.");
            }

            var first = new string[sylvan.RowFieldCount];
            for (var i = 0; i < first.Length; i++)
                first[i] = sylvan.GetString(i);
            reader.FirstRecord = first;
            reader.FirstRecordLine = reader.Line;
            reader._firstRecordPending = firstRecordIsData;
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Fails when the first record (after any preamble) has more fields than <see cref="ProcessingLimits.MaxColumns" />, before Sylvan sees it:
    /// setting up its reader takes time quadratic in the first record's fields (10 s for 130,000 on one core). Quotes
    /// open a field only at its start, as in <see cref="Detection.TextSniffer" />, and only when the input quotes;
    /// leading blank lines are skipped.
    /// </summary>
    static async Task CheckFirstRecordWidthAsync(Stream input, long start, InputEncoding encoding, CsvConversionOptions options,
        CancellationToken cancellationToken)
    {
        input.Position = start + encoding.BomLength;
        using var text = new StreamReader(input, encoding.Encoding, detectEncodingFromByteOrderMarks: false, BufferSize,
            leaveOpen: true);
        var buffer = new char[BufferSize];
        var (fields, inQuotes, closedQuote, atFieldStart, recordStarted) = (1L, false, false, true, false);
        var (backslashEscapes, escaping) = (options.Quoting == CsvQuoting.BackslashEscaped, false);
        var preamble = options.PreambleRecords;
        for (long seen = 0; seen < options.MaxRecordLength;)
        {
            int read;
            try
            {
                read = await text.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException)
            {
                return; // the reader proper reports it, with its line
            }

            if (read == 0)
                break;
            seen += read;
            foreach (var c in buffer.AsSpan(0, read))
            {
                if (inQuotes)
                {
                    if (escaping || (backslashEscapes && c == '\\'))
                        escaping = !escaping; // a backslash, then the character it escapes
                    else
                        (inQuotes, closedQuote) = (c != '"', c == '"');
                    continue;
                }

                if (closedQuote && c == '"')
                {
                    inQuotes = true; // a doubled quote inside quotes
                    continue;
                }

                closedQuote = false;
                if (c is '\r' or '\n')
                {
                    if (recordStarted)
                    {
                        options.Limits.CheckColumns(fields, "the first row", line: null);
                        if (preamble-- == 0)
                            return;
                        (fields, atFieldStart, recordStarted) = (1, true, false);
                    }

                    continue;
                }

                recordStarted = true;
                if (c == options.Delimiter)
                    fields++;
                inQuotes = c == '"' && atFieldStart && options.Quoting != CsvQuoting.None;
                atFieldStart = c == options.Delimiter;
            }
        }

        options.Limits.CheckColumns(fields, "the first row", line: null);
    }

    /// <summary>Moves to the next data record; false at the end of the input.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        _onFirstRecord = _firstRecordPending;
        if (_firstRecordPending)
        {
            _firstRecordPending = false;
            Line = FirstRecordLine;
            return true;
        }

        if (!await ReadRecordAsync(cancellationToken).ConfigureAwait(false))
            return false;
        var fields = _reader.RowFieldCount;
        if (!HasFields(_reader, FieldCount))
            throw new ConversionException(
                $"expected {FieldCount} fields as in the first row, found {fields} (a ragged row).", Line)
            {
                MalformedRecord = true
            };
        return true;
    }

    /// <summary>Whether a record's only field makes it a blank line: empty, or nothing but spaces or tabs.</summary>
    internal static bool IsBlank(ReadOnlySpan<char> onlyField) => onlyField.IsWhiteSpace();

    /// <summary>Whether every field of the reader's record is empty or blank: no record before the first one.</summary>
    internal static bool IsBlankRecord(CsvDataReader reader)
    {
        for (var i = 0; i < reader.RowFieldCount; i++)
        {
            if (!IsBlank(reader.GetFieldSpan(i)))
                return false;
        }

        return true;
    }

    /// <summary>
    /// Whether the reader's record holds a row of <paramref name="fieldCount" /> fields: as many, or one more that is
    /// empty (some tools end every data line with a delimiter, but not the header's); the empty one is no value.
    /// </summary>
    internal static bool HasFields(CsvDataReader reader, int fieldCount) =>
        reader.RowFieldCount == fieldCount ||
        (reader.RowFieldCount == fieldCount + 1 && reader.GetFieldSpan(fieldCount).IsEmpty);

    /// <summary>Reads the next record that is not a blank line, translating the reader's errors.</summary>
    async ValueTask<bool> ReadRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Line = _nextLine;
            bool read;
            try
            {
                read = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException e)
            {
                throw await _encoding.InvalidUtf8ErrorAsync(_input, _start, e, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, Line, _maxRecordLength) is { } translated)
            {
                throw translated;
            }

            if (!read)
                return false;

            var fields = _reader.RowFieldCount;
            var lineBreaks = 0;
            for (var i = 0; i < fields; i++)
                lineBreaks += _reader.GetFieldSpan(i).Count('\n');
            _nextLine = Line + 1 + lineBreaks;

            // A blank line is no record, except in one-column input, where it is an empty value; before the first record,
            // neither is a row of empty fields (an empty spreadsheet row above the table).
            if (FieldCount == 0 ? !IsBlankRecord(_reader) : fields > 1 || FieldCount == 1 || !IsBlank(_reader.GetFieldSpan(0)))
                return true;
        }
    }

    public ReadOnlySpan<char> Field(int ordinal) => _onFirstRecord ? FirstRecord[ordinal] : _reader.GetFieldSpan(ordinal);

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    /// <summary>
    /// Empty names become col_N (N the 1-based position); repeats get _2, _3, ... (case-insensitively). Linear: each
    /// name's next suffix is remembered, so a header that repeats one name n times does not try n suffixes n times.
    /// </summary>
    internal static IReadOnlyList<string> UniqueNames(IReadOnlyList<string> names)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var nextSuffix = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var unique = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(names[i]) ? $"col_{i + 1}" : names[i];
            var candidate = name;
            if (!used.Add(candidate))
            {
                var suffix = nextSuffix.GetValueOrDefault(name, 2);
                do
                {
                    candidate = $"{name}_{suffix++}";
                } while (!used.Add(candidate));

                nextSuffix[name] = suffix;
            }

            unique[i] = candidate;
        }

        return unique;
    }

    static ConversionException? Translate(Exception exception, long line, int maxRecordLength) =>
        Describe(exception, maxRecordLength) is { } message
            ? new ConversionException(message, line, exception) { MalformedRecord = true }
            : null;

    /// <summary>Whether a Sylvan error is (or likely is) a quoted field that is never closed: one that runs on to the end
    /// of the input, or past the longest record allowed.</summary>
    internal static bool IsQuoteLeftOpen(Exception? exception) => exception is CsvRecordTooLargeException ||
        (exception is CsvFormatException e && e.Message.Contains("without a closing quote", StringComparison.OrdinalIgnoreCase));

    /// <summary>What a Sylvan error means for the user, without the line; null for an error that is not the input's fault.</summary>
    internal static string? Describe(Exception exception, int maxRecordLength) => exception switch
    {
        CsvRecordTooLargeException =>
            $"a record is longer than the {maxRecordLength:N0} characters allowed (is a quote left open?).",
        CsvFormatException when IsQuoteLeftOpen(exception) => "a quoted field is never closed (unterminated quote).",
        CsvFormatException e when e.Message.Contains("after a closing quote", StringComparison.OrdinalIgnoreCase) =>
            "text follows the closing quote of a quoted field (write a quote inside quotes as two: \"\").",
        CsvFormatException e => $"malformed CSV: {e.Message}",
        _ => null
    };
}
