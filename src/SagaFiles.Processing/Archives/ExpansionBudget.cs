namespace SagaFiles.Processing.Archives;

/// <summary>
/// Keeps the running totals of one archive against its <see cref="ArchiveLimits" /> and throws
/// <see cref="ArchiveRejectedException" /> the moment one is exceeded.
/// </summary>
sealed class ExpansionBudget(ArchiveLimits limits, long archiveSize)
{
    int _entries;
    long _expanded;

    /// <summary>The entry being read, named in the messages; null before the first.</summary>
    public string? CurrentEntry { get; private set; }

    public void CountEntry(string rawPath)
    {
        CurrentEntry = rawPath;
        if (++_entries > limits.MaxEntries)
            throw TooManyEntries(limits.MaxEntries);
    }

    public static ArchiveRejectedException TooManyEntries(int maxEntries) =>
        new(ArchiveRejection.TooManyEntries, $"the archive has more than {maxEntries} entries");

    /// <summary>Fails early when an entry's declared length alone would break the total (an honest header).</summary>
    public void Reserve(long declaredLength)
    {
        if (declaredLength > limits.MaxTotalBytes - _expanded)
            throw TooLarge();
    }

    public void Charge(int bytes)
    {
        _expanded += bytes;
        if (_expanded > limits.MaxTotalBytes)
            throw TooLarge();
        if (_expanded > limits.RatioFloorBytes && _expanded > limits.MaxCompressionRatio * Math.Max(archiveSize, 1))
            throw new ArchiveRejectedException(ArchiveRejection.CompressionRatio,
                $"the archive's compression ratio is above {limits.MaxCompressionRatio:0.##}:1 after " +
                $"{ArchiveText.Size(limits.RatioFloorBytes)}{AtEntry}: a zip bomb?");
    }

    ArchiveRejectedException TooLarge() =>
        new(ArchiveRejection.TooLarge, $"the archive expands beyond {ArchiveText.Size(limits.MaxTotalBytes)}{AtEntry}");

    string AtEntry => CurrentEntry is null ? "" : $" (at entry {ArchiveText.Quote(CurrentEntry)})";
}
