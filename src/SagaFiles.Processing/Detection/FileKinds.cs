namespace SagaFiles.Processing.Detection;

/// <summary>The names users see and routing rules use for a <see cref="FileKind" />, and the broad category of each.</summary>
public static class FileKinds
{
    public const string Tabular = "tabular";
    public const string Archive = "archive";
    public const string Image = "image";
    public const string Document = "document";
    public const string Text = "text";
    public const string Binary = "binary";

    /// <summary>Every category, for validating routing rules.</summary>
    public static IReadOnlyList<string> Categories { get; } = [Tabular, Archive, Image, Document, Text, Binary];

    /// <summary>Every kind's name, for validating routing rules.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<FileKind>().Select(Name).ToArray();

    /// <summary>The short name: <c>csv</c>, <c>jsonl</c>, <c>sql</c>, <c>gzip</c>, ...</summary>
    public static string Name(FileKind kind) => kind switch
    {
        FileKind.JsonLines => "jsonl",
        FileKind.SqlDump => "sql",
        _ => kind.ToString().ToLowerInvariant()
    };

    /// <summary>The tabular kind a file's extension names (".csv", ".jsonl", ".sql", ...), whatever its content.</summary>
    public static FileKind? ClaimedBy(string extension) => extension.ToLowerInvariant() switch
    {
        ".csv" => FileKind.Csv,
        ".tsv" or ".tab" => FileKind.Tsv,
        ".json" => FileKind.Json,
        ".jsonl" or ".ndjson" => FileKind.JsonLines,
        ".sql" => FileKind.SqlDump,
        _ => null
    };

    public static string Category(FileKind kind) => kind switch
    {
        FileKind.Csv or FileKind.Tsv or FileKind.Json or FileKind.JsonLines or FileKind.SqlDump or FileKind.Parquet or FileKind.Sqlite
            => Tabular,
        FileKind.Zip or FileKind.Tar or FileKind.GZip => Archive,
        FileKind.Png or FileKind.Jpeg or FileKind.Gif => Image,
        FileKind.Pdf => Document,
        FileKind.Text => Text,
        _ => Binary
    };
}
