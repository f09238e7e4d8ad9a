namespace SagaFiles.Contracts;

/// <summary>
/// An archive's child files, one <see cref="FileUploaded" /> per line (JSON Lines) in entry order, in an object beside the
/// stored entries. The archive's counter releases them a window at a time, so an archive of ten thousand entries never puts
/// ten thousand files ahead of everybody else's on the queues.
/// </summary>
public record ChildManifest
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>How many children the manifest lists.</summary>
    public required int Count { get; init; }
}
