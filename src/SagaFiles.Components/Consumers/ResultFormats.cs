namespace SagaFiles.Components.Consumers;

/// <summary>
/// The <c>Format</c> of a result that no processor wrote (<see cref="FileOutput.Format" />, the <c>format</c> metadata);
/// processors name their own (<c>parquet</c>).
/// </summary>
public static class ResultFormats
{
    /// <summary>The file passed through unchanged.</summary>
    public const string Original = "original";
}
