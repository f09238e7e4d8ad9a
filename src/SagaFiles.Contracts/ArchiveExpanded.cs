namespace SagaFiles.Contracts;

/// <summary>
/// An archive's convert step expanded it into <see cref="ChildCount" /> child files: their reports
/// (<see cref="ChildFileFinished" />) are counted against this number, apart from the archive's saga, and each report lets
/// the next child of <see cref="Children" /> go.
/// </summary>
public record ArchiveExpanded
{
    public required Guid FileId { get; init; }

    public required int ChildCount { get; init; }

    /// <summary>The children to release; null from a version that published them all from the convert step.</summary>
    public ChildManifest? Children { get; init; }
}
