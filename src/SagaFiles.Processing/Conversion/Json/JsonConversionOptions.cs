using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>Settings for <see cref="JsonToParquetConverter" />.</summary>
public sealed record JsonConversionOptions
{
    /// <summary>JSON Lines: one object per line, blank lines skipped (objects that span lines or share one, as in
    /// concatenated JSON, are read too). Otherwise one document: an object or an array of objects; an object followed by
    /// more objects reads on as JSON Lines.</summary>
    public bool Lines { get; init; }

    /// <summary>Row-group size and compression of the Parquet written.</summary>
    public ParquetWriteOptions Parquet { get; init; } = ParquetWriteOptions.Default;

    /// <summary>The longest single value accepted, in bytes: a string, a number, or an array kept as JSON text.</summary>
    public int MaxValueBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Distinct key paths, key and path lengths, nesting depth, columns and values per row group a file may reach.</summary>
    public ProcessingLimits Limits { get; init; } = ProcessingLimits.Default;

    /// <summary>Told the rows written so far, after each one, on the converting thread (for a progress report); null: nobody asks.</summary>
    public Action<long>? RowsWritten { get; init; }

    public static JsonConversionOptions Json { get; } = new();

    public static JsonConversionOptions JsonLines { get; } = new() { Lines = true };

    /// <summary>Options for a detected JSON or JSON Lines file.</summary>
    public static JsonConversionOptions For(DetectedFileType type, ProcessingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(limits);
        return type.Kind switch
        {
            FileKind.Json => Json with { Limits = limits },
            FileKind.JsonLines => JsonLines with { Limits = limits },
            _ => throw new ArgumentException($"Only JSON and JSON Lines convert as JSON, not {type.Kind}.", nameof(type))
        };
    }

    /// <summary>The Parquet layout, with the limit on values per row group.</summary>
    internal ParquetWriteOptions ParquetOptions => Parquet with { MaxCellsPerRowGroup = Limits.MaxCellsPerRowGroup, Threads = Limits.MaxConversionThreads };

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Parquet, nameof(Parquet));
        Parquet.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1024, nameof(MaxValueBytes));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        Limits.Validate();
    }
}
