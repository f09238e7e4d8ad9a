namespace SagaFiles.Processing.Conversion;

/// <summary>The Parquet type a column is written as. Every column is nullable.</summary>
public enum ColumnType
{
    /// <summary>UTF-8 string (BYTE_ARRAY, STRING).</summary>
    String,

    /// <summary>64-bit signed integer (INT64).</summary>
    Int64,

    /// <summary>IEEE 754 double (DOUBLE): numbers with at most 15 significant digits, or 16-17 written as a double's
    /// shortest form (0.30000000000000004), which round-trip exactly.</summary>
    Double,

    /// <summary>DECIMAL(29, scale): numbers with more significant digits than a double keeps.</summary>
    Decimal,

    /// <summary>BOOLEAN, from true/false in any letter case.</summary>
    Boolean,

    /// <summary>TIMESTAMP(isAdjustedToUTC, MICROS), from ISO 8601 date-times (and dates, in a column mixing both).</summary>
    Timestamp,

    /// <summary>DATE (days since 1970-01-01), from yyyy-MM-dd.</summary>
    Date
}
