namespace SagaFiles.Contracts;

/// <summary>
/// What a file from an archive may expand to if it is an archive itself: its share, by size, of what its parent's
/// limits left unused. Keeps the limits for a whole tree of nested archives, not per archive.
/// </summary>
public record ArchiveBudget(long Bytes, int Entries);
