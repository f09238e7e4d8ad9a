namespace SagaFiles.Processing.Conversion;

/// <summary>What a conversion wrote.</summary>
/// <param name="RowCount">Data rows written (the header row excluded).</param>
/// <param name="Columns">The columns, in CSV order.</param>
/// <param name="InputBytes">Bytes of CSV input, from the stream's starting position to its end.</param>
/// <param name="OutputBytes">Bytes of Parquet written.</param>
/// <param name="RowGroupCount">Parquet row groups written.</param>
/// <param name="Restarted">A value after the sampled rows did not fit its column's inferred type, so the input was
/// scanned in full and the conversion restarted with wider types.</param>
public sealed record ConversionResult(
    long RowCount,
    IReadOnlyList<ConvertedColumn> Columns,
    long InputBytes,
    long OutputBytes,
    int RowGroupCount,
    bool Restarted);
