namespace SagaFiles.Components.Consumers;

/// <summary>The <c>Format</c> of a result (<see cref="FileConverted.Format" />, the <c>format</c> metadata).</summary>
public static class ResultFormats
{
    public const string Parquet = "parquet";

    /// <summary>The file passed through unchanged.</summary>
    public const string Original = "original";
}
