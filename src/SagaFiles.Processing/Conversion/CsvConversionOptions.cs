using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Conversion;

/// <summary>Settings for <see cref="CsvToParquetConverter" />.</summary>
public sealed record CsvConversionOptions
{
    /// <summary>The field delimiter: ',' for CSV, '\t' for TSV, or ';' / '|'.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>How many leading data rows column types are inferred from.</summary>
    public int SampleRows { get; init; } = 10_000;

    /// <inheritdoc cref="ParquetWriteOptions.RowGroupSize" />
    public int RowGroupSize { get; init; } = ParquetWriteOptions.Default.RowGroupSize;

    /// <inheritdoc cref="ParquetWriteOptions.CompressionLevel" />
    public int CompressionLevel { get; init; } = ParquetWriteOptions.Default.CompressionLevel;

    /// <summary>The longest record accepted, in characters; a longer one fails the conversion.</summary>
    public int MaxRecordLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Columns, name lengths and values per row group a file may reach.</summary>
    public ProcessingLimits Limits { get; init; } = ProcessingLimits.Default;

    /// <summary>
    /// Told the rows converted so far (for a progress report), on the converting thread, in input order, once per
    /// parsed chunk of at most 8,192 rows as it joins the row group being written; a pass that starts again with wider
    /// column types counts again from zero. Null: nobody asks.
    /// </summary>
    public Action<long>? RowsWritten { get; init; }

    public static CsvConversionOptions Csv { get; } = new();

    public static CsvConversionOptions Tsv { get; } = new() { Delimiter = '\t' };

    /// <summary>Options for a detected CSV or TSV file, with its delimiter.</summary>
    public static CsvConversionOptions For(DetectedFileType type, ProcessingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(type);
        if (type.Kind is not (FileKind.Csv or FileKind.Tsv))
            throw new ArgumentException($"Only CSV and TSV convert to Parquet, not {type.Kind}.", nameof(type));
        return new CsvConversionOptions { Delimiter = type.Delimiter ?? (type.Kind == FileKind.Tsv ? '\t' : ','), Limits = limits };
    }

    internal ParquetWriteOptions ParquetOptions => new()
    {
        RowGroupSize = RowGroupSize, CompressionLevel = CompressionLevel, MaxCellsPerRowGroup = Limits.MaxCellsPerRowGroup,
        Threads = Limits.MaxConversionThreads
    };

    internal void Validate()
    {
        if (Delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"'{Delimiter}' cannot be a delimiter.", nameof(Delimiter));
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleRows, 1, nameof(SampleRows));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        ParquetOptions.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordLength, 1024, nameof(MaxRecordLength));
    }
}
