using System.Buffers;
using System.Text;

namespace SagaFiles.Processing.Detection;

/// <summary>
/// Detects a file's type from its first bytes (magic numbers, then text sniffing) and falls back on the file name's
/// extension only where the content is ambiguous (plain text that could be a one-column CSV, and the like).
/// Reads at most <see cref="PrefixLength" /> bytes.
/// </summary>
public static class FileTypeDetector
{
    /// <summary>How many leading bytes detection looks at.</summary>
    public const int PrefixLength = 64 * 1024;

    static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    static readonly byte[] Parquet = "PAR1"u8.ToArray();
    static readonly byte[] Sqlite = "SQLite format 3\0"u8.ToArray();
    static readonly byte[] GZip = [0x1F, 0x8B, 0x08];
    static readonly byte[] Ustar = "ustar"u8.ToArray();
    const int UstarOffset = 257;

    static readonly string[] ZipContainerExtensions =
        [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".jar", ".apk", ".epub", ".nupkg", ".whl"];

    static readonly string[] ProseExtensions = [".txt", ".text", ".log", ".md", ".markdown"];

    /// <summary>
    /// Reads up to <see cref="PrefixLength" /> bytes from the current position of <paramref name="content" /> and
    /// detects the type. The stream is left where reading stopped: rewind it before reading it again.
    /// </summary>
    public static async Task<DetectedFileType> DetectAsync(Stream content, string? fileName,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<byte>.Shared.Rent(PrefixLength);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, PrefixLength), PrefixLength,
                throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return Detect(buffer.AsSpan(0, read), fileName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Detects the type from the file's first bytes. A prefix shorter than <see cref="PrefixLength" /> is taken to be
    /// the whole file; a longer one is cut to <see cref="PrefixLength" /> and its last, possibly partial, line ignored.
    /// </summary>
    public static DetectedFileType Detect(ReadOnlySpan<byte> prefix, string? fileName)
    {
        var truncated = prefix.Length >= PrefixLength;
        if (truncated)
            prefix = prefix[..PrefixLength];
        var extension = ExtensionOf(fileName);

        if (prefix.IsEmpty)
            return Of(FileKind.Empty, extension.Length > 0 ? extension : "");
        if (prefix.StartsWith(Png))
            return Of(FileKind.Png);
        if (prefix.StartsWith(Jpeg))
            return Of(FileKind.Jpeg);
        if (prefix.StartsWith("GIF87a"u8) || prefix.StartsWith("GIF89a"u8))
            return Of(FileKind.Gif);
        if (prefix.StartsWith(Pdf))
            return Of(FileKind.Pdf);
        if (IsZip(prefix))
            return Of(FileKind.Zip, ZipContainerExtensions.Contains(extension) ? extension : ".zip");
        if (prefix.StartsWith(GZip))
            return Of(FileKind.GZip, GZipExtension(fileName));
        if (prefix.StartsWith(Parquet))
            return Of(FileKind.Parquet);
        if (prefix.StartsWith(Sqlite))
            return Of(FileKind.Sqlite);
        if (prefix.Length >= UstarOffset + Ustar.Length && prefix.Slice(UstarOffset, Ustar.Length).SequenceEqual(Ustar))
            return Of(FileKind.Tar);

        var text = TextSniffer.Decode(prefix, truncated);
        if (text is null)
            return Of(FileKind.Binary, extension.Length > 0 ? extension : ".bin");

        return DetectText(text, truncated, extension);
    }

    static DetectedFileType DetectText(string text, bool truncated, string extension)
    {
        if (TextSniffer.IsJsonLines(text, truncated))
            return Of(FileKind.JsonLines);
        if (TextSniffer.IsJson(text, truncated))
            return Of(FileKind.Json);
        if (TextSniffer.IsSqlDump(text))
            return Of(FileKind.SqlDump);

        // Named JSON and opening like JSON, it is malformed JSON (a bad line, Python's repr of dicts): its converter then
        // names the line, where read as CSV its commas would split it into nonsense columns.
        var claimed = FileKinds.ClaimedBy(extension);
        if (claimed is FileKind.Json or FileKind.JsonLines && text.AsSpan().TrimStart() is ['{' or '[', ..])
            return Of(claimed.Value);

        var table = TextSniffer.FindDelimiter(text, truncated);
        if (table is { } found && !(found.FieldCount < 3 && ProseExtensions.Contains(extension)))
            return found.Delimiter == '\t' ? Of(FileKind.Tsv) : Of(FileKind.Csv) with { Delimiter = found.Delimiter };

        // The content is plain text: a known extension says what kind of text (and its converter says what is wrong
        // with it, e.g. a truncated JSON document).
        return claimed is { } kind ? Of(kind) : Of(FileKind.Text, extension.Length > 0 ? extension : ".txt");
    }

    static bool IsZip(ReadOnlySpan<byte> prefix) =>
        prefix.Length >= 4 && prefix[0] == 'P' && prefix[1] == 'K' &&
        ((prefix[2] == 3 && prefix[3] == 4) || (prefix[2] == 5 && prefix[3] == 6) || (prefix[2] == 7 && prefix[3] == 8));

    static string GZipExtension(string? fileName)
    {
        if (fileName is null)
            return ".gz";
        if (fileName.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
            return ".tar.gz";
        return fileName.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) ? ".tgz" : ".gz";
    }

    static string ExtensionOf(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
            return "";
        var extension = Path.GetExtension(FileNames.Sanitize(fileName));
        return extension.Length > 1 ? extension.ToLowerInvariant() : "";
    }

    static DetectedFileType Of(FileKind kind, string? extension = null)
    {
        var (mediaType, canonical, delimiter) = kind switch
        {
            FileKind.Empty => ("application/octet-stream", "", (char?)null),
            FileKind.Binary => ("application/octet-stream", ".bin", null),
            FileKind.Text => ("text/plain", ".txt", null),
            FileKind.Csv => ("text/csv", ".csv", ','),
            FileKind.Tsv => ("text/tab-separated-values", ".tsv", '\t'),
            FileKind.Json => ("application/json", ".json", null),
            FileKind.JsonLines => ("application/jsonl", ".jsonl", null),
            FileKind.SqlDump => ("application/sql", ".sql", null),
            FileKind.Zip => ("application/zip", ".zip", null),
            FileKind.Tar => ("application/x-tar", ".tar", null),
            FileKind.GZip => ("application/gzip", ".gz", null),
            FileKind.Png => ("image/png", ".png", null),
            FileKind.Jpeg => ("image/jpeg", ".jpg", null),
            FileKind.Gif => ("image/gif", ".gif", null),
            FileKind.Pdf => ("application/pdf", ".pdf", null),
            FileKind.Parquet => ("application/vnd.apache.parquet", ".parquet", null),
            FileKind.Sqlite => ("application/vnd.sqlite3", ".sqlite", null),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null)
        };
        return new DetectedFileType(kind, mediaType, extension ?? canonical, delimiter);
    }
}
