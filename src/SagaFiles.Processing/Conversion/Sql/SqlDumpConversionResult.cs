namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>What a SQL dump conversion wrote.</summary>
/// <param name="Tables">One entry per table, in the order the dump creates them.</param>
/// <param name="InputBytes">Bytes of the dump read, from the stream's starting position to its end.</param>
public sealed record SqlDumpConversionResult(IReadOnlyList<SqlTableConversion> Tables, long InputBytes);

/// <summary>One table's Parquet file.</summary>
/// <param name="Table">The name its output was opened under: the table's name (without schema) as a safe file name,
/// made unique with _2, _3, ... when two tables share it.</param>
/// <param name="Result">Rows, columns and bytes written; its InputBytes is 0 (the dump's size is on the dump's result).</param>
public sealed record SqlTableConversion(string Table, ConversionResult Result);
