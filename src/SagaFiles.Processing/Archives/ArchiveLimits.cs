namespace SagaFiles.Processing.Archives;

/// <summary>
/// What one archive may expand to. Counted on the bytes actually decompressed, never on what headers claim.
/// </summary>
public sealed record ArchiveLimits
{
    /// <summary>Uncompressed bytes in all entries together (tar headers and padding included).</summary>
    public long MaxTotalBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// Uncompressed bytes so far divided by the archive's size. Checked only past <see cref="RatioFloorBytes" />, so a
    /// small, very compressible file (a CSV of repeated values compresses 200:1) is not taken for a bomb, while 200 MiB
    /// of zeros (1000:1) is stopped after <see cref="RatioFloorBytes" />. Real data rarely exceeds 20:1.
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 100;

    /// <summary>How many uncompressed bytes may pass before <see cref="MaxCompressionRatio" /> applies.</summary>
    public long RatioFloorBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Entries of every kind (files, directories, links) in the archive.</summary>
    public int MaxEntries { get; init; } = 10_000;

    public static ArchiveLimits Default { get; } = new();

    /// <exception cref="ArgumentOutOfRangeException">A limit is zero, negative or (the ratio) below 1.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalBytes, 1, nameof(MaxTotalBytes));
        if (!(MaxCompressionRatio >= 1)) // NaN too
            throw new ArgumentOutOfRangeException(nameof(MaxCompressionRatio), MaxCompressionRatio, "The ratio must be at least 1.");
        ArgumentOutOfRangeException.ThrowIfNegative(RatioFloorBytes, nameof(RatioFloorBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntries, 1, nameof(MaxEntries));
    }
}
