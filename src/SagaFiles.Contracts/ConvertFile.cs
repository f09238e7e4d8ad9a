namespace SagaFiles.Contracts;

/// <summary>Process the staged original with the processor its type and tags route to: tabular data to Parquet, archives
/// into child files, anything else passes through.</summary>
public record ConvertFile : StepCommand
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string OriginalName { get; init; }

    /// <summary>The original's size in bytes; null from a sender that did not carry it (then taken as large).</summary>
    public long? Size { get; init; }

    /// <summary>The file's tags: routing rules may choose the processor by them.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Who uploaded the file: an archive's entries are recorded as uploaded by them too.</summary>
    public string? UploadedBy { get; init; }

    /// <summary>How many archives deep the file is; an archive past the nesting limit is not expanded.</summary>
    public int ArchiveDepth { get; init; }

    /// <summary>For an archive inside an archive: its share of the outer limits (null: the configured limits).</summary>
    public ArchiveBudget? ArchiveBudget { get; init; }

    /// <summary>
    /// With it, a file the step reads whole in its first read (no larger than that read) has its results published by this
    /// step, and no upload step follows (<see cref="FileConverted.ResultsPublished" />); null from a sender that did not carry it.
    /// </summary>
    public ResultPublication? Publication { get; init; }
}
