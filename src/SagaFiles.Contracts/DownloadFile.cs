namespace SagaFiles.Contracts;

/// <summary>Take custody of the original: copy it into staging and validate it.</summary>
public record DownloadFile : StepCommand
{
    public required string SourceBucket { get; init; }

    public required string SourceKey { get; init; }

    public required string OriginalName { get; init; }

    /// <summary>The file's tags: routing rules may choose the processor by them (for a small file, see <see cref="ReceivedAt" />).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// When the file was received; it dates the results' keys. With it, a file the download reads whole in its first read (no
    /// larger than that read) is also converted by this step and its results published, unless it is an archive: no convert or
    /// upload step follows (<see cref="FileDownloaded.Converted" />). Null from a sender that did not carry it.
    /// </summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}
