using System.Buffers;
using System.Runtime.InteropServices;
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
        ColumnType.Timestamp => new ValueBuffer<long>(
            new Column<DateTime?>(name, LogicalType.Timestamp(true, TimeUnit.Micros)), capacity,
            FieldParsers.TryParseTimestampMicros),
        ColumnType.Date => new ValueBuffer<int>(new Column<DateOnly?>(name, LogicalType.Date()), capacity,
            FieldParsers.TryParseDateDays),
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
    public void Flush(RowGroupWriter rowGroup)
    {
        using var column = rowGroup.NextColumn();
        WriteTo(column);
        Clear();
    }

    /// <summary>Writes the buffered values to the column, after any values written to it before; keeps them buffered.</summary>
    public abstract void WriteTo(ColumnWriter column);

    /// <summary>Empties the buffer without writing it.</summary>
    public abstract void Clear();

    /// <summary>Rows a buffer has room for at first: it grows to its capacity only when the rows come, so a table that
    /// ends early (one row, or none) never holds a whole row group's arrays.</summary>
    protected static int InitialRows(int capacity) => Math.Min(capacity, 1024);

    /// <summary>Doubles <paramref name="array" /> (up to <paramref name="capacity" />) when it is full at <paramref name="count" />.</summary>
    protected static void EnsureRoom<T>(ref T[] array, int count, int capacity)
    {
        if (count == array.Length)
            Array.Resize(ref array, Math.Min(capacity, 2 * array.Length));
    }
}

/// <summary>
/// Strings go from the field's characters straight to UTF-8 in one buffer per row group and reach Parquet as pointers
/// into it: no string object per value for the GC, and no second UTF-16 to UTF-8 conversion inside ParquetSharp.
/// </summary>
sealed class StringBuffer(string name, int capacity) : ColumnBuffer
{
    const short Present = 1;
    const short Missing = 0;

    short[] _definitionLevels = new short[InitialRows(capacity)];
    int[] _valueEnds = new int[InitialRows(capacity)];
    byte[] _utf8 = new byte[InitialRows(capacity) * 16];
    int _count;
    int _valueCount;
    int _utf8Length;

    public override Column Column { get; } = new Column<string>(name, LogicalType.String());

    public override int Count => _count;

    public override bool TryAppend(ReadOnlySpan<char> field)
    {
        var room = _utf8Length + System.Text.Encoding.UTF8.GetMaxByteCount(field.Length);
        if (room > _utf8.Length)
            Array.Resize(ref _utf8, Math.Max(room, _utf8.Length * 2));
        _utf8Length += System.Text.Encoding.UTF8.GetBytes(field, _utf8.AsSpan(_utf8Length));
        EnsureRoom(ref _valueEnds, _valueCount, capacity);
        _valueEnds[_valueCount++] = _utf8Length;
        EnsureRoom(ref _definitionLevels, _count, capacity);
        _definitionLevels[_count++] = Present;
        return true;
    }

    public override void AppendNull()
    {
        EnsureRoom(ref _definitionLevels, _count, capacity);
        _definitionLevels[_count++] = Missing;
    }

    public override void WriteTo(ColumnWriter column)
    {
        // The pointers are needed only while one column is written: one array serves every row group in turn.
        var values = ArrayPool<ByteArray>.Shared.Rent(_valueCount);
        var pinned = GCHandle.Alloc(_utf8, GCHandleType.Pinned);
        try
        {
            var start = 0;
            for (var i = 0; i < _valueCount; i++)
            {
                values[i] = new ByteArray(pinned.AddrOfPinnedObject() + start, _valueEnds[i] - start);
                start = _valueEnds[i];
            }

            ((ColumnWriter<ByteArray>)column).WriteBatch(_count, _definitionLevels.AsSpan(0, _count), default,
                values.AsSpan(0, _valueCount));
        }
        finally
        {
            pinned.Free();
            ArrayPool<ByteArray>.Shared.Return(values);
        }
    }

    public override void Clear() => _count = _valueCount = _utf8Length = 0;
}

/// <summary>
/// A column of a value type, parsed by one of <see cref="FieldParsers" />, kept as the values present and one definition
/// level per row (half the memory of a nullable array). The physical types (INT64, DOUBLE, BOOLEAN, INT32 days,
/// INT64 microseconds) go to the column writer as they are; a decimal goes through ParquetSharp's logical writer,
/// which encodes it.
/// </summary>
sealed class ValueBuffer<T>(Column column, int capacity, FieldParser<T> parse) : ColumnBuffer
    where T : unmanaged
{
    const short Present = 1;
    const short Missing = 0;

    short[] _definitionLevels = new short[InitialRows(capacity)];
    T[] _values = new T[InitialRows(capacity)];
    int _count;
    int _valueCount;

    public override Column Column => column;

    public override int Count => _count;

    public override bool TryAppend(ReadOnlySpan<char> field)
    {
        if (!parse(field, out var value))
            return false;
        Append(value);
        return true;
    }

    /// <summary>Appends a value parsed elsewhere, as the column's physical type stores it.</summary>
    public void Append(T value)
    {
        EnsureRoom(ref _values, _valueCount, capacity);
        _values[_valueCount++] = value;
        EnsureRoom(ref _definitionLevels, _count, capacity);
        _definitionLevels[_count++] = Present;
    }

    public override void AppendNull()
    {
        EnsureRoom(ref _definitionLevels, _count, capacity);
        _definitionLevels[_count++] = Missing;
    }

    public override void WriteTo(ColumnWriter column)
    {
        if (column is ColumnWriter<T> physical)
        {
            physical.WriteBatch(_count, _definitionLevels.AsSpan(0, _count), default, _values.AsSpan(0, _valueCount));
            return;
        }

        var nullable = ArrayPool<T?>.Shared.Rent(_count);
        try
        {
            for (int row = 0, value = 0; row < _count; row++)
                nullable[row] = _definitionLevels[row] == Present ? _values[value++] : null;
            using var writer = column.LogicalWriter<T?>();
            writer.WriteBatch(nullable.AsSpan(0, _count));
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(nullable);
        }
    }

    public override void Clear() => _count = _valueCount = 0;
}

delegate bool FieldParser<T>(ReadOnlySpan<char> field, out T value);
