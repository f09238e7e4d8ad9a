namespace SagaFiles.Processing.Conversion;

/// <summary>
/// What the text values seen in one column have in common; <see cref="Infer" /> picks the narrowest type that holds
/// every one of them without loss, and values of conflicting types widen the column to a string (dates mixed with
/// date-times widen to a timestamp). Also counts distinct values (up to a cap) to decide on dictionary encoding, for
/// every type but booleans.
/// </summary>
public sealed class ColumnProfile
{
    const int DistinctLimit = 4096;

    HashSet<string>? _distinct = new(StringComparer.Ordinal);
    long _values;
    bool _allBoolean = true;
    bool _allDate = true;
    bool _allTimestamp = true;
    bool _allNumeric = true;
    bool _allInt64 = true;
    bool _anyExponent;
    bool _allDouble = true;
    int _maxIntegerDigits;
    int _maxScale;

    /// <summary>Records one non-null value (callers decide what is null: CSV's empty fields are).</summary>
    public void Observe(ReadOnlySpan<char> value)
    {
        _values++;
        if (_allBoolean)
            _allBoolean = FieldParsers.TryParseBoolean(value, out _);
        if (_allDate)
            _allDate = FieldParsers.TryParseDate(value, out _);
        if (_allTimestamp)
            _allTimestamp = FieldParsers.TryParseTimestamp(value, out _);
        if (_allNumeric)
            ObserveNumber(value);
        if (_distinct is not null)
            ObserveDistinct(value);
    }

    /// <summary>The narrowest spec holding every observed value; a string when none was observed.</summary>
    public ColumnSpec Infer()
    {
        if (_values == 0)
            return new ColumnSpec(ColumnType.String, 0, true);
        if (_allBoolean)
            return new ColumnSpec(ColumnType.Boolean, 0, false);
        if (_allDate)
            return new ColumnSpec(ColumnType.Date, 0, Repetitive);
        if (_allTimestamp)
            return new ColumnSpec(ColumnType.Timestamp, 0, Repetitive);
        if (_allNumeric)
        {
            if (_allInt64)
                return new ColumnSpec(ColumnType.Int64, 0, Repetitive);
            if (_allDouble)
                return new ColumnSpec(ColumnType.Double, 0, Repetitive);
            if (!_anyExponent && _maxIntegerDigits + _maxScale <= FieldParsers.MaxDecimalDigits)
                return new ColumnSpec(ColumnType.Decimal, _maxScale, Repetitive);
        }

        return new ColumnSpec(ColumnType.String, 0, Repetitive);
    }

    /// <summary>
    /// Values repeat often enough to pay for a dictionary when at most half of them are distinct (a quantity, a status,
    /// a day): the column then holds small indexes, which also leaves less to compress. Booleans encode small anyway.
    /// </summary>
    bool Repetitive => _distinct is not null && _distinct.Count * 2 <= _values;

    void ObserveNumber(ReadOnlySpan<char> value)
    {
        var shape = NumberShape.Of(value);
        if (!shape.IsNumber)
        {
            _allNumeric = false;
            return;
        }

        _allInt64 = _allInt64 && shape.IsInteger && FieldParsers.TryParseInt64(value, out _);
        _anyExponent |= shape.HasExponent;
        // Few digits but a magnitude past a double's range (1e400, 1e-400, 0.000...1): only text holds it. Past 15
        // digits, only a double's shortest form (pandas and databases write 0.30000000000000004) reads back the same.
        _allDouble = _allDouble && ((!shape.HasExponent && shape.Scale < 300 &&
                                     shape.SignificantDigits <= FieldParsers.DoubleSignificantDigits) ||
                                    FieldParsers.TryParseDouble(value, out _));
        _maxIntegerDigits = Math.Max(_maxIntegerDigits, shape.IntegerDigits);
        _maxScale = Math.Max(_maxScale, shape.Scale);
    }

    void ObserveDistinct(ReadOnlySpan<char> value)
    {
        var lookup = _distinct!.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.Contains(value))
            return;
        if (_distinct.Count == DistinctLimit)
            _distinct = null; // high cardinality: stop counting
        else
            lookup.Add(value);
    }
}
