using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;

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

    public static bool IsJson(string text, bool truncated)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[' && IsJsonValue(trimmed, isComplete: !truncated);
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
    /// The delimiter that splits every one of the first records into the same number (at least two) of fields,
    /// RFC 4180 quotes respected; the one giving the most fields wins, ',' on a tie. Needs at least two records.
    /// </summary>
    public static (char Delimiter, int FieldCount)? FindDelimiter(string text, bool truncated)
    {
        (char Delimiter, int FieldCount)? best = null;
        foreach (var delimiter in DelimiterCandidates)
        {
            var counts = FieldCounts(text, delimiter, truncated);
            if (counts.Count < 2 || counts[0] < 2 || counts.Any(c => c != counts[0]))
                continue;
            if (best is null || counts[0] > best.Value.FieldCount)
                best = (delimiter, counts[0]);
        }

        return best;
    }

    static List<int> FieldCounts(ReadOnlySpan<char> text, char delimiter, bool truncated)
    {
        var counts = new List<int>();
        var fields = 1;
        var inQuotes = false;
        var atFieldStart = true;
        var recordHasContent = false;
        for (var i = 0; i < text.Length && counts.Count < MaxSampledRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                        i++;
                    else
                        inQuotes = false;
                }

                continue;
            }

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

            recordHasContent = true;
            if (c == delimiter)
            {
                fields++;
                atFieldStart = true;
                continue;
            }

            inQuotes = c == '"' && atFieldStart;
            atFieldStart = false;
        }

        // The last record counts only when it is known to be complete.
        if (!truncated && recordHasContent && !inQuotes && counts.Count < MaxSampledRecords)
            counts.Add(fields);
        return counts;
    }

    static bool IsJsonValue(ReadOnlySpan<char> text, bool isComplete)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), isComplete,
                new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 }));
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
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
