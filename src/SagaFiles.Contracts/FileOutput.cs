namespace SagaFiles.Contracts;

/// <summary>One file a step produced: a converted result in staging, or a published object.</summary>
public record FileOutput
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>The file name users see (the original's, or per table for a SQL dump, with the format's extension).</summary>
    public required string Name { get; init; }

    /// <summary><c>parquet</c>, or <c>original</c> when the file passed through unchanged.</summary>
    public required string Format { get; init; }

    public required long Size { get; init; }

    /// <summary>The media type it is stored with; null in outputs recorded before it was kept.</summary>
    public string? MediaType { get; init; }

    /// <summary>The table's shape when the output is Parquet; null otherwise.</summary>
    public TableShape? Table { get; init; }
}

/// <summary>Rows and schema of a Parquet output.</summary>
public record TableShape
{
    public required long Rows { get; init; }

    public required int RowGroups { get; init; }

    public required IReadOnlyList<TableColumn> Columns { get; init; }
}

/// <summary>A Parquet column: its name and type (<c>string</c>, <c>int64</c>, <c>double</c>, <c>decimal(29,2)</c>, ...).</summary>
public record TableColumn(string Name, string Type);
