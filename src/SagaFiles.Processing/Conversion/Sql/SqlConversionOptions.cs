namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>Settings for <see cref="SqlDumpToParquetConverter" />.</summary>
public sealed record SqlConversionOptions
{
    /// <summary>Row-group size and compression of every table's Parquet file.</summary>
    public ParquetWriteOptions Parquet { get; init; } = ParquetWriteOptions.Default;

    /// <summary>
    /// How many tables' files are written at once; each holds one row group in memory. Dump tools write each table's
    /// rows together, so when one more table starts receiving rows the least recently written file is finished. A
    /// finished table that receives rows again fails the conversion.
    /// </summary>
    public int MaxOpenTables { get; init; } = 8;

    /// <summary>The longest string literal or COPY line accepted, in characters; a longer one fails the conversion.</summary>
    public int MaxValueLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>Tables, columns, name lengths and values per row group a dump may reach.</summary>
    public ProcessingLimits Limits { get; init; } = ProcessingLimits.Default;

    /// <summary>Told the rows written so far, of all tables, after each one, on the converting thread (for a progress
    /// report); null: nobody asks.</summary>
    public Action<long>? RowsWritten { get; init; }

    public static SqlConversionOptions Default { get; } = new();

    /// <summary>The Parquet layout, with the limit on values per row group. One thread per table: a dump keeps many tables
    /// open at once, and encoding beside the parser would hold two row groups of each.</summary>
    internal ParquetWriteOptions ParquetOptions => Parquet with { MaxCellsPerRowGroup = Limits.MaxCellsPerRowGroup };

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Parquet, nameof(Parquet));
        Parquet.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOpenTables, 1, nameof(MaxOpenTables));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueLength, 1024, nameof(MaxValueLength));
    }
}
