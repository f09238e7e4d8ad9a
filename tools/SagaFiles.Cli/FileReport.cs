namespace SagaFiles.Cli;

/// <summary>What happened to one file (or archive entry); serialized as-is by <c>--json</c>.</summary>
sealed class FileReport(string file, string? type, string? category, string? processor, string? sha256, long? size)
{
    public string File { get; } = file;
    public string? Type { get; } = type;
    public string? Category { get; } = category;
    public string? Processor { get; } = processor;
    public string? Sha256 { get; } = sha256;
    public long? Size { get; } = size;
    public List<OutputReport> Outputs { get; } = [];

    /// <summary>For an archive: how many entries it held (each reported after it).</summary>
    public int? Entries { get; set; }

    /// <summary>Why the file failed; null when it succeeded.</summary>
    public string? Error { get; set; }

    public bool Succeeded => Error is null;

    public static FileReport Failed(string file, string reason) => new(file, null, null, null, null, null) { Error = reason };
}

/// <param name="Name">The result's name, as the stack names it.</param>
/// <param name="Path">Where it was written.</param>
/// <param name="Format"><c>parquet</c>, or <c>original</c> for a file passed through.</param>
/// <param name="Rows">Rows written, for a table.</param>
/// <param name="Size">Bytes.</param>
sealed record OutputReport(string Name, string Path, string Format, long? Rows, long Size);
