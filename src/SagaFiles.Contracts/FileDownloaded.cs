namespace SagaFiles.Contracts;

/// <summary>The original is in staging, non-empty, and its type is known; or a small file is converted and its results
/// published (<see cref="Converted" />).</summary>
public record FileDownloaded : StepCompleted
{
    /// <summary>Where the original is kept for the next steps: staging, or, when <see cref="Converted" /> is set (no step
    /// follows), where it was uploaded.</summary>
    public required string StagingBucket { get; init; }

    public required string StagingKey { get; init; }

    public required long Size { get; init; }

    /// <summary>The detected kind (csv, png, ...), from content first and extension second.</summary>
    public required string DetectedType { get; init; }

    public required string MediaType { get; init; }

    /// <summary>What the content is, broadly (<c>tabular</c>, <c>archive</c>, <c>image</c>, <c>document</c>, <c>text</c>, <c>binary</c>).</summary>
    public string? Category { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of the original, when the download read all of it (a file shorter than its first read, the
    /// type-detection prefix): the saga then has no checksum step to run. Null for a larger file.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>
    /// A small file the download converted and published (<see cref="DownloadFile.ReceivedAt" />): the convert step's answer,
    /// with <see cref="FileConverted.ResultsPublished" />, given by the download. Null when the file takes the convert step.
    /// </summary>
    public FileConverted? Converted { get; init; }
}
