using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using SagaFiles.Processing.Conversion.Json;

namespace SagaFiles.Processing.Detection;

/// <summary>Recognises text and the kinds of text in a file's prefix.</summary>
static partial class TextSniffer
{
    const int MaxSampledRecords = 50;
    static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    static readonly byte[] Utf16LeBom = [0xFF, 0xFE];
    static readonly byte[] Utf16BeBom = [0xFE, 0xFF];
    static readonly char[] DelimiterCandidates = [',', '\t', ';', '|'];

    /// <summary>Windows-1252, the superset of Latin-1 that spreadsheets export as "ANSI".</summary>
    internal static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>Bytes no Windows-1252 text holds: C0 controls other than tab, CR and LF, and the five undefined codes.</summary>
    static readonly SearchValues<byte> NotWindows1252Text = SearchValues.Create(
    [
        .. Enumerable.Range(0, 0x20).Where(b => b is not ('\t' or '\r' or '\n')).Select(b => (byte)b),
        (byte)0x81, (byte)0x8D, (byte)0x8F, (byte)0x90, (byte)0x9D
    ]);

    static readonly string[] SqlStatementStarts =
    [
        "CREATE", "INSERT", "SET", "DROP", "BEGIN", "START", "USE", "ALTER", "LOCK", "UNLOCK", "PRAGMA", "COPY",
        "SELECT", "COMMENT", "GRANT", "REVOKE", "DELETE", "UPDATE", "TRUNCATE", "\\connect",
        "\\restrict" // pg_dump since 17.6, 16.10, 15.14, 14.19 and 13.22 opens with \restrict <key>
    ];

    /// <summary>
    /// Decodes the prefix as UTF-8 (with or without BOM), BOM-marked UTF-16, or, when it is not UTF-8 and has no BOM,
    /// as Windows-1252 if <see cref="IsWindows1252Text" />; null when it is not text: none of these, a NUL, or more than
    /// 1% other control characters.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> prefix, bool truncated)
    {
        string text;
        if (prefix.StartsWith(Utf16LeBom) || prefix.StartsWith(Utf16BeBom))
        {
            var encoding = prefix[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            var body = prefix[2..];
            text = encoding.GetString(body[..(body.Length & ~1)]);
        }
        else
        {
            var bom = prefix.StartsWith(Utf8Bom);
            var body = bom ? prefix[3..] : prefix;
            var complete = truncated ? body[..CompleteUtf8Length(body)] : body;
            if (Utf8.IsValid(complete))
                text = Encoding.UTF8.GetString(complete);
            else if (!bom && IsWindows1252Text(prefix))
                text = Windows1252.GetString(prefix);
            else
                return null;
        }

        return LooksLikeText(text) ? text : null;
    }

    public static bool IsJsonLines(string text, bool truncated)
    {
        var lines = CompleteLines(text, truncated).Where(l => !string.IsNullOrWhiteSpace(l)).Take(MaxSampledRecords).ToList();
        return lines.Count >= 2 && lines.All(line =>
        {
            var trimmed = line.Trim();
            return trimmed.Length > 0 && trimmed[0] is '{' or '[' && IsJsonValue(trimmed, isComplete: true);
        });
    }

    /// <summary>One JSON object or array, or several one after another (jq's pretty output: the converter reads such
    /// objects as rows).</summary>
    public static bool IsJson(string text, bool truncated)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[' &&
               IsJsonValue(trimmed, isComplete: !truncated, multipleValues: true);
    }

    public static bool IsSqlDump(string text)
    {
        var inBlockComment = false;
        var sawStatement = false;
        foreach (var line in text.EnumerateLines())
        {
            var trimmed = line.Trim();
            if (inBlockComment)
            {
                inBlockComment = !trimmed.Contains("*/", StringComparison.Ordinal);
                continue;
            }

            if (trimmed.IsEmpty || trimmed.StartsWith("--") || trimmed.StartsWith("#"))
                continue;
            if (trimmed.StartsWith("/*"))
            {
                inBlockComment = !trimmed.Contains("*/", StringComparison.Ordinal);
                continue;
            }

            if (!sawStatement && !StartsWithSqlStatement(trimmed))
                return false;
            sawStatement = true;
            if (TableStatement().IsMatch(trimmed))
                return true;
        }

        return false;
    }

    /// <summary>
    /// The delimiter that splits every one of the first records into the same number (at least two) of fields, read
    /// as <see cref="Dialect" /> reads them, after a preamble of narrower records if any (<see cref="TableStart" />);
    /// the one giving the most fields wins, ',' on a tie. Needs at least two records.
    /// </summary>
    public static (char Delimiter, int FieldCount)? FindDelimiter(string text, bool truncated)
    {
        if (SepLineLength(text) is { } sepLine &&
            Dialect(text.AsSpan(sepLine), text[4], truncated, MaxSampledRecords).Counts is var hinted &&
            TableStart(hinted) is { } tableStart)
            return (text[4], hinted[tableStart]);

        (char Delimiter, int FieldCount)? best = null;
        foreach (var delimiter in DelimiterCandidates)
        {
            var counts = Dialect(text, delimiter, truncated, MaxSampledRecords).Counts;
            if (TableStart(counts) is not { } start)
                continue;
            if (best is null || counts[start] > best.Value.FieldCount)
                best = (delimiter, counts[start]);
        }

        return best;
    }

    /// <summary>
    /// What the quotes at fields' starts in all of <paramref name="text" /> say about the file's quoting, and how many
    /// records before the table's first are a preamble (<see cref="TableStart" />; 0 when the records are not even).
    /// </summary>
    /// <param name="truncated">The text is a prefix of the file: its last record may be cut.</param>
    public static (SampledQuoting Quoting, int PreambleRecords) DialectOf(ReadOnlySpan<char> text, char delimiter,
        bool truncated)
    {
        var sepLine = text.Length > 4 && text[4] == delimiter ? SepLineLength(text) ?? 0 : 0;
        var (counts, quoting) = Dialect(text[sepLine..], delimiter, truncated, int.MaxValue);
        return (quoting, (sepLine > 0 ? 1 : 0) + (TableStart(counts) ?? 0));
    }

    /// <summary>
    /// The length with its line break of a first line such as "sep=;", with which Excel is told a file's delimiter
    /// (text[4]): a preamble record, even when it splits into as many fields as the table's.
    /// </summary>
    static int? SepLineLength(ReadOnlySpan<char> text)
    {
        if (text.Length < 6 || !text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) ||
            !DelimiterCandidates.Contains(text[4]) || text[5] is not ('\r' or '\n'))
            return null;
        return text.Length > 6 && text[5] == '\r' && text[6] == '\n' ? 7 : 6;
    }

    /// <summary>Non-blank records a preamble may hold (Google Analytics exports write a few comment lines).</summary>
    const int MaxPreambleRecords = 10;

    /// <summary>
    /// Where the table starts in records of these field counts: the first record from which every one has the same
    /// count, at least two fields, with at least two records, when every record before it has at least two fields fewer
    /// (one fewer is likelier a header over rows that end with a delimiter). Those are a preamble (a title, the World
    /// Bank's "Data Source" and "Last Updated Date" lines), not part of the table. Null when no such record is among
    /// the first few.
    /// </summary>
    static int? TableStart(List<int> counts)
    {
        var widest = 0; // of the records before the candidate start
        for (var start = 0; start <= MaxPreambleRecords && counts.Count - start >= 2; start++)
        {
            var width = counts[start];
            if (widest < width - 1 && width >= 2 && counts.Skip(start).All(c => c == width))
                return start;
            widest = Math.Max(widest, width);
        }

        return null;
    }

    /// <summary>
    /// The field counts of the first <paramref name="maxRecords" /> records and what the quotes say, as DuckDB's sniffer
    /// decides between quoting and none: RFC 4180 quotes are respected unless a field begins with a quote that is no
    /// well-formed quoted field and no quoted field needs its quotes, or unless only reading quotes as plain characters
    /// splits the records evenly (a stray quote that closes a quote left open merges lines); then the file does not
    /// quote. A field left open at the end of a file delimited by other than tabs says that the file quotes: a lost
    /// closing quote is likelier there than a tool that never quotes, and the conversion fails naming its line.
    /// When neither reading splits them evenly the quotes tell nothing (<see cref="SampledQuoting.Unknown" />).
    /// </summary>
    static (List<int> Counts, SampledQuoting Quoting) Dialect(ReadOnlySpan<char> text, char delimiter, bool truncated,
        int maxRecords)
    {
        var (counts, quoting, leftOpen, malformed) = Sample(text, delimiter, truncated, quoted: true, maxRecords);
        if (malformed)
        {
            // Well formed and even only once \" is an escaped quote: Spark's and MySQL's exports.
            var escaped = Sample(text, delimiter, truncated, quoted: true, maxRecords, backslashEscapes: true);
            if (escaped is { Quoting: SampledQuoting.Quoted, LeftOpen: false, Malformed: false } && IsEven(escaped.Counts))
                return (escaped.Counts, SampledQuoting.BackslashEscaped);
        }

        if (quoting == SampledQuoting.Unknown || (quoting == SampledQuoting.Quoted && (IsEven(counts) || leftOpen)))
            return (counts, quoting);
        var plain = Sample(text, delimiter, truncated, quoted: false, maxRecords).Counts;
        // Neither reading splits the records evenly: the quotes do not tell after all.
        return IsEven(plain) ? (plain, SampledQuoting.Unquoted) : (counts, SampledQuoting.Unknown);
    }

    /// <summary>The records split evenly, after any preamble.</summary>
    static bool IsEven(List<int> counts) => TableStart(counts) is not null;

    /// <summary>
    /// Whether a field that opens a quote and never closes it says that the file does not quote: in tab-separated text
    /// (IMDb's datasets, database exports) it does; with another delimiter a lost closing quote is likelier, and the
    /// conversion fails naming its line.
    /// </summary>
    internal static bool QuoteLeftOpenMeansUnquoted(char delimiter) => delimiter == '\t';

    /// <summary>
    /// The field counts of the first <paramref name="maxRecords" /> records, read with RFC 4180 quotes when
    /// <paramref name="quoted" /> (a quote opens a field only at its start; inside quotes, two quotes are one) or with
    /// quotes as plain characters; and, when quoted, what the quotes say (<see cref="SampledQuoting" />). A quoted field
    /// is not well formed when text follows its closing quote, or, in tab-separated text, when it is never closed: the
    /// text ends inside it, or a prefix ends inside it after it ran past the end of its line. With another delimiter,
    /// such a field is <paramref name="LeftOpen" />. <paramref name="Malformed" />: some quoted field is not well formed.
    /// With <paramref name="backslashEscapes" />, a backslash inside quotes escapes the next character.
    /// </summary>
    static (List<int> Counts, SampledQuoting Quoting, bool LeftOpen, bool Malformed) Sample(ReadOnlySpan<char> text,
        char delimiter, bool truncated,
        bool quoted, int maxRecords, bool backslashEscapes = false)
    {
        var counts = new List<int>();
        var fields = 1;
        var inQuotes = false;
        var atFieldStart = true;
        var recordHasContent = false;
        var (sawQuotedField, malformed, needsQuotes) = (false, false, false);
        var (justClosed, fieldNeedsQuotes, spansLines) = (false, false, false); // of the quoted field being read
        for (var i = 0; i < text.Length && counts.Count < maxRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (backslashEscapes && c == '\\' && i + 1 < text.Length)
                    (i, fieldNeedsQuotes) = (i + 1, true);
                else if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                        (i, fieldNeedsQuotes) = (i + 1, true);
                    else
                        (inQuotes, justClosed) = (false, true);
                }
                else if (c == delimiter || c is '\r' or '\n')
                {
                    fieldNeedsQuotes = true;
                    spansLines |= c is '\r' or '\n';
                }

                continue;
            }

            if (justClosed && c != delimiter && c is not ('\r' or '\n'))
                malformed = true;
            else if (justClosed)
                needsQuotes |= fieldNeedsQuotes;
            justClosed = false;
            if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                if (recordHasContent)
                    counts.Add(fields);
                fields = 1;
                atFieldStart = true;
                recordHasContent = false;
                continue;
            }

            recordHasContent |= c == delimiter || !char.IsWhiteSpace(c); // a line of spaces is blank
            if (c == delimiter)
            {
                fields++;
                atFieldStart = true;
                continue;
            }

            inQuotes = quoted && c == '"' && atFieldStart;
            if (inQuotes)
                (sawQuotedField, fieldNeedsQuotes, spansLines) = (true, false, false);
            atFieldStart = false;
        }

        // The last record counts only when it is known to be complete.
        if (!truncated && recordHasContent && !inQuotes && counts.Count < maxRecords)
            counts.Add(fields);
        var leftOpen = inQuotes && (!truncated || spansLines);
        malformed |= leftOpen && QuoteLeftOpenMeansUnquoted(delimiter);
        needsQuotes |= justClosed && fieldNeedsQuotes;
        var quoting = !sawQuotedField ? SampledQuoting.Unknown
            : malformed && !needsQuotes ? SampledQuoting.Unquoted
            : SampledQuoting.Quoted;
        return (counts, quoting, leftOpen && !QuoteLeftOpenMeansUnquoted(delimiter), malformed);
    }

    /// <summary>Whether the text is JSON; Python's bare NaN and infinities are numbers here, as the converter reads
    /// them.</summary>
    static bool IsJsonValue(ReadOnlySpan<char> text, bool isComplete, bool multipleValues = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var bytes = buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
            var state = new JsonReaderState(new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256, AllowMultipleValues = multipleValues
            });
            while (true)
            {
                // Where the last token ended: a reader that throws has no position of its own to resume from.
                var (consumed, stateAfter) = (0, state);
                var reader = new Utf8JsonReader(bytes, isComplete, state);
                try
                {
                    while (reader.Read())
                        (consumed, stateAfter) = ((int)reader.BytesConsumed, reader.CurrentState);
                    return true;
                }
                catch (JsonException)
                {
                    bytes = bytes[consumed..];
                    state = stateAfter;
                    var found = JsonNonFiniteNumbers.TrySubstitute(bytes, isComplete, out _, out _);
                    if (found != JsonNonFiniteNumbers.Outcome.Substituted)
                        return found == JsonNonFiniteNumbers.Outcome.NeedMore;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    static IEnumerable<string> CompleteLines(string text, bool truncated)
    {
        var end = truncated ? text.LastIndexOf('\n') : text.Length;
        return end <= 0 ? [] : text[..end].Split('\n');
    }

    static bool StartsWithSqlStatement(ReadOnlySpan<char> line)
    {
        foreach (var keyword in SqlStatementStarts)
        {
            if (line.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) &&
                (line.Length == keyword.Length || !char.IsLetterOrDigit(line[keyword.Length])))
                return true;
        }

        return false;
    }

    static bool LooksLikeText(string text)
    {
        var controls = 0;
        foreach (var c in text)
        {
            if (c == '\0')
                return false;
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f' or '\v' or '\x1B'))
                controls++;
        }

        return controls * 100 <= text.Length;
    }

    /// <summary>
    /// Whether bytes that are not UTF-8 are plausibly Windows-1252 (or Latin-1) text: they hold no byte that such text
    /// never does. Random or binary bytes almost always hold one within a few hundred bytes.
    /// </summary>
    internal static bool IsWindows1252Text(ReadOnlySpan<byte> bytes) => !bytes.ContainsAny(NotWindows1252Text);

    /// <summary>The length of <paramref name="bytes" /> without a multi-byte sequence cut off at its end.</summary>
    internal static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
                continue; // a continuation byte: look further back for the lead byte
            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }

    [GeneratedRegex(@"^(CREATE\s+(\w+\s+)?TABLE|INSERT\s+INTO)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TableStatement();
}

/// <summary>What the quotes at fields' starts in a sample of delimited text say about the file's quoting.</summary>
enum SampledQuoting
{
    /// <summary>No field begins with a quote, or the sample's records are uneven however it is read: it does not tell.</summary>
    Unknown,

    /// <summary>Fields begin with quotes and are well-formed quoted fields, or some hold a delimiter, a line break or
    /// a doubled quote that only quoting explains.</summary>
    Quoted,

    /// <summary>A field begins with a quote but is no well-formed quoted field (text follows its closing quote, or it
    /// is never closed), and no quoted field needs its quotes: the file does not quote.</summary>
    Unquoted,

    /// <summary>Quoted fields are well formed, and the records even, only when a backslash inside quotes escapes the
    /// next character (\"): the file quotes as Spark and MySQL write it.</summary>
    BackslashEscaped
}
