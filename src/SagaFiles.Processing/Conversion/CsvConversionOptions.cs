using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Conversion;

/// <summary>Settings for <see cref="CsvToParquetConverter" />.</summary>
public sealed record CsvConversionOptions
{
    /// <summary>The field delimiter: ',' for CSV, '\t' for TSV, or ';' / '|'.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>How many leading data rows column types are inferred from.</summary>
    public int SampleRows { get; init; } = 10_000;

    /// <summary>Rows per Parquet row group; memory use grows with it, not with the file.</summary>
    public int RowGroupSize { get; init; } = 65_536;

    /// <summary>ZSTD level: 3 (zstd's own default) rather than ParquetSharp's 1 or Parquet.Net's 19.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>The longest record accepted, in characters; a longer one fails the conversion.</summary>
    public int MaxRecordLength { get; init; } = 16 * 1024 * 1024;

    public static CsvConversionOptions Csv { get; } = new();

    public static CsvConversionOptions Tsv { get; } = new() { Delimiter = '\t' };

    /// <summary>Options for a detected CSV or TSV file, with its delimiter.</summary>
    public static CsvConversionOptions For(DetectedFileType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Kind is not (FileKind.Csv or FileKind.Tsv))
            throw new ArgumentException($"Only CSV and TSV convert to Parquet, not {type.Kind}.", nameof(type));
        return new CsvConversionOptions { Delimiter = type.Delimiter ?? (type.Kind == FileKind.Tsv ? '\t' : ',') };
    }

    internal void Validate()
    {
        if (Delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"'{Delimiter}' cannot be a delimiter.", nameof(Delimiter));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleRows, 1, nameof(SampleRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSize, 1, nameof(RowGroupSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(CompressionLevel, 1, nameof(CompressionLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompressionLevel, 22, nameof(CompressionLevel));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordLength, 1024, nameof(MaxRecordLength));
    }
}
