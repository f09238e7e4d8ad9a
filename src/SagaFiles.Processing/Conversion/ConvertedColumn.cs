namespace SagaFiles.Processing.Conversion;

/// <summary>A column of the written Parquet file.</summary>
/// <param name="Name">The unique column name derived from the CSV header.</param>
/// <param name="Type">The type inferred for it.</param>
/// <param name="Scale">Digits after the decimal point, for <see cref="ColumnType.Decimal" />; otherwise 0.</param>
public sealed record ConvertedColumn(string Name, ColumnType Type, int Scale = 0);
