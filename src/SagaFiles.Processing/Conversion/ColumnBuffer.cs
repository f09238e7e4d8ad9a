using ParquetSharp;

namespace SagaFiles.Processing.Conversion;

/// <summary>One row group's worth of a column's values, parsed from text and written as one Parquet column chunk.</summary>
abstract class ColumnBuffer
{
    public static ColumnBuffer Create(string name, ColumnSpec spec, int capacity) => spec.Type switch
    {
        ColumnType.String => new StringBuffer(name, capacity),
        ColumnType.Int64 => new ValueBuffer<long>(new Column<long?>(name), capacity, FieldParsers.TryParseInt64),
        ColumnType.Double => new ValueBuffer<double>(new Column<double?>(name), capacity, FieldParsers.TryParseDouble),
        ColumnType.Decimal => new ValueBuffer<decimal>(
            new Column<decimal?>(name, LogicalType.Decimal(FieldParsers.DecimalPrecision, spec.Scale)), capacity,
            (ReadOnlySpan<char> field, out decimal value) => FieldParsers.TryParseDecimal(field, spec.Scale, out value)),
        ColumnType.Boolean => new ValueBuffer<bool>(new Column<bool?>(name), capacity, FieldParsers.TryParseBoolean),
        ColumnType.Timestamp => new ValueBuffer<DateTime>(
            new Column<DateTime?>(name, LogicalType.Timestamp(true, TimeUnit.Micros)), capacity,
            FieldParsers.TryParseTimestamp),
        ColumnType.Date => new ValueBuffer<DateOnly>(new Column<DateOnly?>(name, LogicalType.Date()), capacity,
            FieldParsers.TryParseDate),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, null)
    };

    /// <summary>The Parquet schema column.</summary>
    public abstract Column Column { get; }

    /// <summary>Values buffered since the last flush.</summary>
    public abstract int Count { get; }

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

    public override int Count => _count;

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

/// <summary>A column of a value type, parsed by one of <see cref="FieldParsers" />.</summary>
sealed class ValueBuffer<T>(Column column, int capacity, FieldParser<T> parse) : ColumnBuffer<T?>(column, capacity)
    where T : struct
{
    protected override bool TryParse(ReadOnlySpan<char> field, out T? value)
    {
        var parsed = parse(field, out var parsedValue);
        value = parsedValue;
        return parsed;
    }
}

delegate bool FieldParser<T>(ReadOnlySpan<char> field, out T value);
