namespace SagaFiles.Processing.Conversion;

/// <summary>What <see cref="ParquetTableWriter.Close" /> wrote.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="RowGroups">Parquet row groups written.</param>
/// <param name="OutputBytes">Bytes of Parquet written to the output.</param>
public readonly record struct ParquetWriteSummary(long Rows, int RowGroups, long OutputBytes);
