namespace SagaFiles.Processing.Processors;

/// <summary>What a processor does to a file.</summary>
public enum ProcessorKind
{
    /// <summary>Stored as uploaded.</summary>
    PassThrough,

    /// <summary>Delimited text converted to Parquet.</summary>
    ParquetConversion
}
