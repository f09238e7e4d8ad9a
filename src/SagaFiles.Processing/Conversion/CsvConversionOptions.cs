using SagaFiles.Processing.Detection;
using Sylvan.Data.Csv;

namespace SagaFiles.Processing.Conversion;

/// <summary>Settings for <see cref="CsvToParquetConverter" />.</summary>
public sealed record CsvConversionOptions
{
    /// <summary>The field delimiter: ',' for CSV, '\t' for TSV, or ';' / '|'.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Whether quotes open quoted fields; <see cref="For" /> sniffs it from the input.</summary>
    public CsvQuoting Quoting { get; init; } = CsvQuoting.Rfc4180;

    /// <summary>
    /// Records (not counting blank lines) before the header that are no part of the table: a title, Excel's sep=;
    /// line, the World Bank's "Data Source" lines. With <see cref="CsvQuoting.Sniffed" /> the input's first MiB
    /// decides it, as DuckDB's sniffer skips such lines: records narrower than the table's before its header (a first
    /// row of data after them means they were data too, and fail as ragged rows).
    /// </summary>
    public int PreambleRecords { get; init; }

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
    /// column types (or without quoting, <see cref="CsvQuoting.Sniffed" />) counts again from zero. Null: nobody asks.
    /// </summary>
    public Action<long>? RowsWritten { get; init; }

    public static CsvConversionOptions Csv { get; } = new();

    public static CsvConversionOptions Tsv { get; } = new() { Delimiter = '\t' };

    /// <summary>Options for a detected CSV or TSV file, with its delimiter; its quoting and preamble are sniffed from
    /// the input.</summary>
    public static CsvConversionOptions For(DetectedFileType type, ProcessingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(type);
        if (type.Kind is not (FileKind.Csv or FileKind.Tsv))
            throw new ArgumentException($"Only CSV and TSV convert to Parquet, not {type.Kind}.", nameof(type));
        return new CsvConversionOptions
        {
            Delimiter = type.Delimiter ?? (type.Kind == FileKind.Tsv ? '\t' : ','), Quoting = CsvQuoting.Sniffed,
            Limits = limits
        };
    }

    /// <summary>Sylvan's options for reading records (quoted unless <see cref="Quoting" /> is <see cref="CsvQuoting.None" />)
    /// with a buffer of <paramref name="bufferSize" /> characters to begin with.</summary>
    internal CsvDataReaderOptions ReaderOptions(int bufferSize) => new()
    {
        HasHeaders = false,
        Delimiter = Delimiter,
        // No quoting: a quote character text does not hold (detection takes no text with a NUL for CSV).
        Quote = Quoting == CsvQuoting.None ? '\0' : '"',
        Escape = Quoting == CsvQuoting.BackslashEscaped ? '\\' : '"',
        // No comment lines: Sylvan's default '#' drops every record that starts with one ("#" headers, #N/A,
        // hashtags). U+FFFF is a noncharacter that no text holds.
        Comment = '\uFFFF',
        BufferSize = bufferSize,
        MaxBufferSize = MaxRecordLength,
        OwnsReader = true
    };

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
        ArgumentOutOfRangeException.ThrowIfNegative(PreambleRecords, nameof(PreambleRecords));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        ParquetOptions.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordLength, 1024, nameof(MaxRecordLength));
    }
}
