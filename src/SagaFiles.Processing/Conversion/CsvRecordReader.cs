using System.Text;
using Sylvan.Data.Csv;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Reads RFC 4180 records with Sylvan.Data.Csv and keeps track of the physical line each record starts on (quoted
/// fields may span lines), so every error names a line. Rejects records whose field count differs from the header's;
/// skips blank lines in multi-column input. Errors surface as <see cref="ConversionException" />.
/// </summary>
sealed class CsvRecordReader : IAsyncDisposable
{
    const int BufferSize = 64 * 1024;

    // Invalid UTF-8 fails the conversion rather than turning into U+FFFD.
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly CsvDataReader _reader;
    readonly int _maxRecordLength;
    long _nextLine;

    CsvRecordReader(CsvDataReader reader, int maxRecordLength, IReadOnlyList<string> header, long nextLine)
    {
        _reader = reader;
        _maxRecordLength = maxRecordLength;
        Header = header;
        _nextLine = nextLine;
    }

    /// <summary>The unique column names from the header row.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The line the current record starts on.</summary>
    public long Line { get; private set; } = 1;

    public int FieldCount => Header.Count;

    /// <summary>Opens <paramref name="input" /> at <paramref name="start" /> and reads the header row.</summary>
    public static async Task<CsvRecordReader> OpenAsync(Stream input, long start, CsvConversionOptions options,
        CancellationToken cancellationToken)
    {
        input.Position = start;
        var text = new StreamReader(input, StrictUtf8, detectEncodingFromByteOrderMarks: true, BufferSize, leaveOpen: true);
        var csvOptions = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = options.Delimiter,
            BufferSize = BufferSize,
            MaxBufferSize = options.MaxRecordLength,
            OwnsReader = true
        };

        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, csvOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvMissingHeadersException e)
        {
            text.Dispose();
            throw new ConversionException("The input is empty: a header row is required.", null, e);
        }
        catch (Exception e) when (Translate(e, 1, options.MaxRecordLength) is { } translated)
        {
            text.Dispose();
            throw translated;
        }

        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var headerLines = 1 + names.Sum(CountLineBreaks);
        return new CsvRecordReader(reader, options.MaxRecordLength, UniqueNames(names), 1 + headerLines);
    }

    /// <summary>Moves to the next data record; false at the end of the input.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Line = _nextLine;
            bool read;
            try
            {
                read = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
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
                lineBreaks += CountLineBreaks(_reader.GetFieldSpan(i));
            _nextLine = Line + 1 + lineBreaks;

            if (fields == FieldCount)
                return true;
            if (fields == 1 && _reader.GetFieldSpan(0).IsEmpty)
                continue; // a blank line
            throw new ConversionException(
                $"expected {FieldCount} fields as in the header, found {fields} (a ragged row).", Line);
        }
    }

    public ReadOnlySpan<char> Field(int ordinal) => _reader.GetFieldSpan(ordinal);

    public ValueTask DisposeAsync() => _reader.DisposeAsync();

    /// <summary>Empty names become col_N (N the 1-based position); repeats get _2, _3, ... (case-insensitively).</summary>
    internal static IReadOnlyList<string> UniqueNames(IReadOnlyList<string> names)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var unique = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var name = string.IsNullOrWhiteSpace(names[i]) ? $"col_{i + 1}" : names[i];
            var candidate = name;
            for (var suffix = 2; !used.Add(candidate); suffix++)
                candidate = $"{name}_{suffix}";
            unique[i] = candidate;
        }

        return unique;
    }

    static int CountLineBreaks(string value) => CountLineBreaks(value.AsSpan());

    static int CountLineBreaks(ReadOnlySpan<char> value) => value.Count('\n');

    static ConversionException? Translate(Exception exception, long line, int maxRecordLength) => exception switch
    {
        CsvRecordTooLargeException => new ConversionException(
            $"a record is longer than the {maxRecordLength:N0} characters allowed (is a quote left open?).", line,
            exception),
        CsvFormatException e when e.Message.Contains("without a closing quote", StringComparison.OrdinalIgnoreCase) =>
            new ConversionException("a quoted field is never closed (unterminated quote).", line, exception),
        CsvFormatException e => new ConversionException($"malformed CSV: {e.Message}", line, exception),
        DecoderFallbackException => new ConversionException("the input is not valid UTF-8 (here or in the next lines).", line,
            exception),
        _ => null
    };
}
