namespace SagaFiles.Processing.Conversion;

/// <summary>How <see cref="ParquetTableWriter" /> lays out and compresses a Parquet file.</summary>
public sealed record ParquetWriteOptions
{
    /// <summary>Rows per Parquet row group at most; memory use grows with it, not with the file.</summary>
    public int RowGroupSize { get; init; } = 65_536;

    /// <summary>Values per row group at most (<see cref="ProcessingLimits.MaxCellsPerRowGroup" />): a wide table's row
    /// groups hold fewer rows, so the columns cannot multiply the memory a row group takes.</summary>
    public int MaxCellsPerRowGroup { get; init; } = ProcessingLimits.Default.MaxCellsPerRowGroup;

    /// <summary>ZSTD level: 3 (zstd's own default) rather than ParquetSharp's 1 or Parquet.Net's 19.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Threads a file's writing keeps busy (<see cref="ProcessingLimits.MaxConversionThreads" />): 2 or more
    /// encodes and compresses a row group beside the thread that fills the next; 1 does both on the caller's thread.</summary>
    public int Threads { get; init; } = 1;

    public static ParquetWriteOptions Default { get; } = new();

    /// <summary>The rows per row group of a table of <paramref name="columns" /> columns.</summary>
    /// <exception cref="ConversionException">One row alone holds more values than a row group may.</exception>
    public int RowsPerGroup(int columns)
    {
        if (columns > MaxCellsPerRowGroup)
            throw ProcessingLimits.Breach(nameof(ProcessingLimits.MaxCellsPerRowGroup), columns, MaxCellsPerRowGroup,
                "a row of the table holds more values");
        return Math.Min(RowGroupSize, MaxCellsPerRowGroup / columns);
    }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSize, 1, nameof(RowGroupSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCellsPerRowGroup, 1, nameof(MaxCellsPerRowGroup));
        ArgumentOutOfRangeException.ThrowIfLessThan(CompressionLevel, 1, nameof(CompressionLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompressionLevel, 22, nameof(CompressionLevel));
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Threads, ProcessingLimits.ConversionThreadsCeiling, nameof(Threads));
    }
}
