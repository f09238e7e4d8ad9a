namespace SagaFiles.Processing.Detection;

/// <summary>The result of <see cref="FileTypeDetector" />.</summary>
/// <param name="Kind">What the content is.</param>
/// <param name="MediaType">The IANA media type for <paramref name="Kind" />.</param>
/// <param name="Extension">The extension the content should carry, with its dot (".csv"); for plain text and unknown
/// binary content the file's own extension when it has one.</param>
/// <param name="Delimiter">The field delimiter of delimited text (',', ';', '|' or '\t'); null otherwise.</param>
public sealed record DetectedFileType(FileKind Kind, string MediaType, string Extension, char? Delimiter = null)
{
    /// <summary>The kind's short name (<c>csv</c>, <c>jsonl</c>, <c>zip</c>, ...), as stored and shown.</summary>
    public string Name => FileKinds.Name(Kind);

    /// <summary>The broad category (<c>tabular</c>, <c>archive</c>, <c>image</c>, ...), as stored, shown and routed on.
    /// A zip-based document (.docx, .xlsx, .jar, ...) is a document, not an archive to unpack.</summary>
    public string Category => Kind == FileKind.Zip && Extension != ".zip" ? FileKinds.Document : FileKinds.Category(Kind);

    /// <summary>
    /// Binary content under a tabular name (random bytes called .csv): the kind the name claims. Routing sends it where
    /// that kind goes, so the file fails with a reason instead of passing through as something it was not meant to be.
    /// </summary>
    public FileKind? ClaimedKind => Kind == FileKind.Binary ? FileKinds.ClaimedBy(Extension) : null;
}
