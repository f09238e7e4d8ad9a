namespace SagaFiles.Processing.Conversion;

/// <summary>How <see cref="ParquetTableWriter" /> lays out and compresses a Parquet file.</summary>
public sealed record ParquetWriteOptions
{
    /// <summary>Rows per Parquet row group; memory use grows with it, not with the file.</summary>
    public int RowGroupSize { get; init; } = 65_536;

    /// <summary>ZSTD level: 3 (zstd's own default) rather than ParquetSharp's 1 or Parquet.Net's 19.</summary>
    public int CompressionLevel { get; init; } = 3;

    public static ParquetWriteOptions Default { get; } = new();

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSize, 1, nameof(RowGroupSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(CompressionLevel, 1, nameof(CompressionLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompressionLevel, 22, nameof(CompressionLevel));
    }
}
