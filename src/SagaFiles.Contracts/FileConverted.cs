namespace SagaFiles.Contracts;

/// <summary>The result is in staging, ready to publish.</summary>
public record FileConverted : StepCompleted
{
    public required string ResultBucket { get; init; }

    public required string ResultKey { get; init; }

    /// <summary>The result's file name (the original's, with the new format's extension).</summary>
    public required string ResultName { get; init; }

    /// <summary><c>parquet</c>, or <c>original</c> when the file passed through unchanged.</summary>
    public required string Format { get; init; }

    public required long Size { get; init; }

    public long? RowCount { get; init; }

    public int? ColumnCount { get; init; }
}
