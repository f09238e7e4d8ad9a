namespace SagaFiles.Processing.Detection;

/// <summary>What a file's content turned out to be.</summary>
public enum FileKind
{
    Empty,
    Binary,
    Text,
    Csv,
    Tsv,
    Json,
    JsonLines,
    SqlDump,
    Zip,
    Tar,
    GZip,
    Png,
    Jpeg,
    Gif,
    Pdf,
    Parquet,
    Sqlite
}
