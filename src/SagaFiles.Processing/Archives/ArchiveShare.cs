namespace SagaFiles.Processing.Archives;

/// <summary>
/// What an archive found inside another archive may still expand to: its share of what its parent's limits left unused,
/// in proportion to its size among its siblings. So the limits hold for a whole tree of nested archives together, not
/// once per archive (a zip of zips of zips could otherwise multiply them), without the archives sharing any state.
/// </summary>
/// <param name="Bytes">Uncompressed bytes it may expand to.</param>
/// <param name="Entries">Entries it may hold.</param>
public sealed record ArchiveShare(long Bytes, int Entries)
{
    /// <summary>What is left of <paramref name="limits" /> after an expansion into <paramref name="children" /> files of
    /// <paramref name="bytes" /> bytes in all.</summary>
    public static ArchiveShare Unused(ArchiveLimits limits, long bytes, int children)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new ArchiveShare(Math.Max(0, limits.MaxTotalBytes - bytes), Math.Max(0, limits.MaxEntries - children));
    }

    /// <summary>The part of this that goes to a child of <paramref name="childBytes" /> out of <paramref name="totalBytes" />
    /// (at least one byte and one entry, so an archive that gets nothing fails on its limit rather than on a zero).</summary>
    public ArchiveShare For(long childBytes, long totalBytes)
    {
        var fraction = totalBytes <= 0 ? 0 : (double)childBytes / totalBytes;
        return new ArchiveShare(Math.Max(1, (long)(Bytes * fraction)), Math.Max(1, (int)(Entries * fraction)));
    }

    /// <summary><paramref name="limits" />, lowered to this share where it is smaller.</summary>
    public ArchiveLimits Within(ArchiveLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return limits with { MaxTotalBytes = Math.Min(limits.MaxTotalBytes, Bytes), MaxEntries = Math.Min(limits.MaxEntries, Entries) };
    }
}
