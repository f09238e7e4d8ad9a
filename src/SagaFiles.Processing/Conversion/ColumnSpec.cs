namespace SagaFiles.Processing.Conversion;

/// <summary>How one Parquet column is written: its type, decimal scale, and whether to dictionary-encode it.</summary>
/// <param name="Type">The column's type; every column is nullable.</param>
/// <param name="Scale">Digits after the decimal point, for <see cref="ColumnType.Decimal" />; otherwise 0.</param>
/// <param name="UseDictionary">Dictionary-encode the column (worth it for repetitive values only).</param>
public readonly record struct ColumnSpec(ColumnType Type, int Scale, bool UseDictionary);
