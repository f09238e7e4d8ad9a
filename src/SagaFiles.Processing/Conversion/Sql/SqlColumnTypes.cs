namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>
/// Maps a column's declared SQL type (PostgreSQL or MySQL spelling, as written in CREATE TABLE) to the Parquet column
/// it is written as. What has no lossless typed counterpart (text, json, uuid, bytea, time, intervals, arrays,
/// unconstrained numeric) stays a string.
/// </summary>
static class SqlColumnTypes
{
    static readonly ColumnSpec Text = new(ColumnType.String, 0, false);

    /// <summary>Enumerations: few distinct values, so dictionary-encoded.</summary>
    static readonly ColumnSpec Enumeration = new(ColumnType.String, 0, true);

    static readonly HashSet<string> Integers = new(StringComparer.Ordinal)
    {
        "smallint", "int", "integer", "bigint", "int2", "int4", "int8", "tinyint", "mediumint",
        "smallserial", "serial", "bigserial", "serial2", "serial4", "serial8"
    };

    static readonly HashSet<string> Decimals = new(StringComparer.Ordinal) { "numeric", "decimal", "dec", "fixed" };

    static readonly HashSet<string> Floats = new(StringComparer.Ordinal)
        { "real", "float", "float4", "float8", "double" };

    static readonly HashSet<string> Timestamps = new(StringComparer.Ordinal) { "timestamp", "timestamptz", "datetime" };

    /// <param name="declared">The type as written, e.g. "numeric(10,2)", "timestamp(6) with time zone", "int unsigned".</param>
    /// <param name="enumTypes">Names of PostgreSQL enum types the dump created (CREATE TYPE ... AS ENUM).</param>
    public static ColumnSpec Map(string declared, IReadOnlySet<string> enumTypes)
    {
        var type = declared.Trim().ToLowerInvariant();
        if (type.Contains('[') || type.Contains(" array", StringComparison.Ordinal))
            return Text;

        var open = type.IndexOf('(');
        var close = open < 0 ? -1 : type.IndexOf(')', open);
        var name = (open < 0 ? type : type[..open]).Trim();
        var arguments = close < 0 ? [] : type[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries);
        var baseName = name.Split(' ')[0];
        var unsigned = type.Contains("unsigned", StringComparison.Ordinal);

        if (Integers.Contains(baseName))
        {
            if (baseName == "tinyint" && arguments is ["1"])
                return new ColumnSpec(ColumnType.Boolean, 0, false); // MySQL's BOOLEAN
            // An unsigned bigint reaches 2^64 - 1, beyond Int64; DECIMAL(29, 0) holds it exactly.
            return unsigned && baseName is "bigint" or "int8" or "serial8" or "bigserial"
                ? new ColumnSpec(ColumnType.Decimal, 0, false)
                : new ColumnSpec(ColumnType.Int64, 0, false);
        }

        if (Decimals.Contains(baseName))
            return DecimalSpec(arguments);
        if (Floats.Contains(baseName))
            return new ColumnSpec(ColumnType.Double, 0, false);
        if (baseName is "boolean" or "bool")
            return new ColumnSpec(ColumnType.Boolean, 0, false);
        if (baseName == "date")
            return new ColumnSpec(ColumnType.Date, 0, false);
        if (Timestamps.Contains(baseName))
            return new ColumnSpec(ColumnType.Timestamp, 0, false);
        if (baseName == "enum" || enumTypes.Contains(baseName.Split('.')[^1]))
            return Enumeration;
        return Text;
    }

    /// <summary>numeric(p, s) with p up to 28 digits is a decimal of scale s; wider or unconstrained, a string.</summary>
    static ColumnSpec DecimalSpec(string[] arguments)
    {
        if (arguments.Length is 0 or > 2 || !int.TryParse(arguments[0], out var precision))
            return Text;
        var scale = 0;
        if (arguments.Length == 2 && !int.TryParse(arguments[1], out scale))
            return Text;
        return precision <= FieldParsers.MaxDecimalDigits && scale is >= 0 and <= FieldParsers.MaxDecimalDigits
            ? new ColumnSpec(ColumnType.Decimal, scale, false)
            : Text;
    }
}
