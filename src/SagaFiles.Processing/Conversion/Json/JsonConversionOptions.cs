using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>Settings for <see cref="JsonToParquetConverter" />.</summary>
public sealed record JsonConversionOptions
{
    /// <summary>JSON Lines: one object per line, blank lines skipped (objects that span lines or share one, as in
    /// concatenated JSON, are read too). Otherwise one document: an object or an array of objects.</summary>
    public bool Lines { get; init; }

    /// <summary>Row-group size and compression of the Parquet written.</summary>
    public ParquetWriteOptions Parquet { get; init; } = ParquetWriteOptions.Default;

    /// <summary>The longest single value accepted, in bytes: a string, a number, or an array kept as JSON text.</summary>
    public int MaxValueBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The most distinct key paths (nested ones included) accepted: each written one is a column, and every
    /// column holds a row group's values in memory.</summary>
    public int MaxKeyPaths { get; init; } = 1_000;

    public static JsonConversionOptions Json { get; } = new();

    public static JsonConversionOptions JsonLines { get; } = new() { Lines = true };

    /// <summary>Options for a detected JSON or JSON Lines file.</summary>
    public static JsonConversionOptions For(DetectedFileType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            FileKind.Json => Json,
            FileKind.JsonLines => JsonLines,
            _ => throw new ArgumentException($"Only JSON and JSON Lines convert as JSON, not {type.Kind}.", nameof(type))
        };
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Parquet, nameof(Parquet));
        Parquet.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1024, nameof(MaxValueBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyPaths, 1, nameof(MaxKeyPaths));
    }
}
