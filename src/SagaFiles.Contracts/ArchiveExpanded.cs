namespace SagaFiles.Contracts;

/// <summary>
/// An archive's convert step expanded it into <see cref="ChildCount" /> child files: their reports
/// (<see cref="ChildFileFinished" />) are counted against this number, apart from the archive's saga.
/// </summary>
public record ArchiveExpanded
{
    public required Guid FileId { get; init; }

    public required int ChildCount { get; init; }
}
