using ParquetSharp;
using ParquetSharp.Schema;

namespace SagaFiles.Processing.Conversion;

/// <summary>One row group's worth of a column's values, parsed from CSV fields and written as one Parquet column chunk.</summary>
abstract class ColumnBuffer
{
    public static ColumnBuffer Create(string name, ColumnSpec spec, int capacity) => spec.Type switch
    {
        ColumnType.String => new StringBuffer(name, capacity),
        ColumnType.Int64 => new Int64Buffer(name, capacity),
        ColumnType.Double => new DoubleBuffer(name, capacity),
        ColumnType.Decimal => new DecimalBuffer(name, capacity, spec.Scale),
        ColumnType.Boolean => new BooleanBuffer(name, capacity),
        ColumnType.Timestamp => new TimestampBuffer(name, capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, null)
    };

    /// <summary>The Parquet schema column.</summary>
    public abstract Column Column { get; }

    /// <summary>Appends a value; false, appending nothing, when the field does not fit the column's type.</summary>
    public abstract bool TryAppend(ReadOnlySpan<char> field);

    public abstract void AppendNull();

    /// <summary>Writes the buffered values as the row group's next column and empties the buffer.</summary>
    public abstract void Flush(RowGroupWriter rowGroup);
}

abstract class ColumnBuffer<T>(Column column, int capacity) : ColumnBuffer
{
    readonly T[] _values = new T[capacity];
    int _count;

    public override Column Column => column;

    public override bool TryAppend(ReadOnlySpan<char> field)
    {
        if (!TryParse(field, out var value))
            return false;
        _values[_count++] = value;
        return true;
    }

    public override void AppendNull() => _values[_count++] = default!;

    public override void Flush(RowGroupWriter rowGroup)
    {
        using (var writer = rowGroup.NextColumn().LogicalWriter<T>())
            writer.WriteBatch(_values.AsSpan(0, _count));
        Array.Clear(_values, 0, _count); // let the strings of this row group go
        _count = 0;
    }

    protected abstract bool TryParse(ReadOnlySpan<char> field, out T value);
}

sealed class StringBuffer(string name, int capacity)
    : ColumnBuffer<string?>(new Column<string>(name, LogicalType.String()), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out string? value)
    {
        value = field.ToString();
        return true;
    }
}

sealed class Int64Buffer(string name, int capacity) : ColumnBuffer<long?>(new Column<long?>(name), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out long? value)
    {
        var ok = FieldParsers.TryParseInt64(field, out var parsed);
        value = parsed;
        return ok;
    }
}

sealed class DoubleBuffer(string name, int capacity) : ColumnBuffer<double?>(new Column<double?>(name), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out double? value)
    {
        var ok = FieldParsers.TryParseDouble(field, out var parsed);
        value = parsed;
        return ok;
    }
}

sealed class DecimalBuffer(string name, int capacity, int scale)
    : ColumnBuffer<decimal?>(new Column<decimal?>(name, LogicalType.Decimal(FieldParsers.DecimalPrecision, scale)), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out decimal? value)
    {
        var ok = FieldParsers.TryParseDecimal(field, scale, out var parsed);
        value = parsed;
        return ok;
    }
}

sealed class BooleanBuffer(string name, int capacity) : ColumnBuffer<bool?>(new Column<bool?>(name), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out bool? value)
    {
        var ok = FieldParsers.TryParseBoolean(field, out var parsed);
        value = parsed;
        return ok;
    }
}

sealed class TimestampBuffer(string name, int capacity)
    : ColumnBuffer<DateTime?>(new Column<DateTime?>(name, LogicalType.Timestamp(true, TimeUnit.Micros)), capacity)
{
    protected override bool TryParse(ReadOnlySpan<char> field, out DateTime? value)
    {
        var ok = FieldParsers.TryParseTimestamp(field, out var parsed);
        value = parsed;
        return ok;
    }
}
