using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// The write pass's sink: puts each flattened value into its column of the current row, nulls into the columns a
/// record lacks, and ends the row (telling <paramref name="rowsWritten" /> how many so far).
/// </summary>
sealed class JsonRowWriter(ParquetTableWriter table, IReadOnlyList<ColumnSpec> specs, Action<long>? rowsWritten = null) : IJsonRecordSink
{
    readonly bool[] _hasValue = new bool[specs.Count];
    long _rows;

    public bool WantsArrayText => true;

    public void Accept(JsonColumn column, JsonValueKind kind, ReadOnlySpan<char> text, long line)
    {
        if (kind == JsonValueKind.Object)
            return; // its keys arrive as values of their own
        var c = column.Index;
        if (c < 0)
        {
            // Only paths that held nothing but objects and nulls are not written.
            if (kind == JsonValueKind.Null)
                return;
            throw new InvalidOperationException($"The input changed between the two passes: '{column.Path}' has a new value.");
        }

        if (_hasValue[c])
            throw new ConversionException(
                $"the key '{Excerpt.Of(column.Path)}' appears twice in one object (as a key, or as the same dotted path " +
                "of nested keys); keep only one.", line);
        _hasValue[c] = true;
        if (kind == JsonValueKind.Null)
            table.AppendNull(c);
        else if (!table.TryAppend(c, text) && !TryAppendNonFinite(c, text))
            throw new ConversionException(
                $"the value \"{Excerpt.Of(text)}\" at '{Excerpt.Of(column.Path)}' does not fit the column's " +
                $"{specs[c].Type} type.", line);
    }

    /// <summary>NaN, Infinity and -Infinity in a double column (<see cref="JsonNonFiniteNumbers" />).</summary>
    bool TryAppendNonFinite(int column, ReadOnlySpan<char> text)
    {
        if (specs[column].Type != ColumnType.Double || !FieldParsers.TryParseNonFiniteDouble(text, out var value))
            return false;
        table.AppendPhysical(column, value);
        return true;
    }

    public void EndRecord()
    {
        for (var c = 0; c < _hasValue.Length; c++)
        {
            if (!_hasValue[c])
                table.AppendNull(c);
            _hasValue[c] = false;
        }

        table.EndRow();
        rowsWritten?.Invoke(++_rows);
    }
}
