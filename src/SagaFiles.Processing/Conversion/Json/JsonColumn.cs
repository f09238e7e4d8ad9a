using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// One flattened key path ("address.city") and what its values were across the whole input: which JSON kinds, and
/// (through a <see cref="ColumnProfile" />) the narrowest type their text fits.
/// </summary>
sealed class JsonColumn(string path)
{
    [Flags]
    enum Kinds
    {
        None = 0,
        Null = 1,
        Object = 2,
        Array = 4,
        String = 8,
        Number = 16,
        Boolean = 32,
        Values = Array | String | Number | Boolean
    }

    /// <summary>What the profile sees for a NaN or an infinity: a value only a double holds, as those are.</summary>
    const string NonFiniteStandIn = "0.5";

    readonly ColumnProfile _profile = new();
    Kinds _kinds;
    bool _anyNonFinite;

    /// <summary>The key path, nested keys joined with '.'.</summary>
    public string Path => path;

    /// <summary>The column's position in the written table; -1 when it is not written.</summary>
    public int Index { get; set; } = -1;

    /// <summary>The path lies inside an object that came to be held whole: no column of its own.</summary>
    public bool Dropped { get; set; }

    /// <summary>This path's objects are held whole as JSON text from now on, as arrays are: a string column.</summary>
    public void KeepWhole() => _kinds |= Kinds.Array;

    /// <summary>
    /// Written when it held a value, or only ever nulls; not when it held only objects (their keys are columns of their
    /// own) or objects and nulls (a null object leaves its keys' columns null anyway).
    /// </summary>
    public bool IsWritten => (_kinds & Kinds.Values) != 0 || _kinds == Kinds.Null;

    /// <summary>Records the kind of a value at this path; <paramref name="text" /> matters for scalars only.</summary>
    public void Observe(JsonValueKind kind, ReadOnlySpan<char> text)
    {
        _kinds |= kind switch
        {
            JsonValueKind.Null => Kinds.Null,
            JsonValueKind.Object => Kinds.Object,
            JsonValueKind.Array => Kinds.Array,
            JsonValueKind.String => Kinds.String,
            JsonValueKind.Number => Kinds.Number,
            _ => Kinds.Boolean
        };
        if (kind == JsonValueKind.Number && JsonNonFiniteNumbers.IsLiteral(text))
        {
            _anyNonFinite = true;
            _profile.Observe(NonFiniteStandIn);
        }
        else if (kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            _profile.Observe(text);
        }
    }

    /// <summary>
    /// Numbers become Int64, Double or Decimal (Double with a NaN or an infinity); booleans Boolean; strings Date or
    /// Timestamp when every one is an ISO 8601 date or date-time. A string is never read as a number or boolean ("007"
    /// and "true" stay text), and a path whose values are of different kinds (or arrays, kept as JSON text) is a string
    /// column.
    /// </summary>
    public ColumnSpec Infer()
    {
        var inferred = _profile.Infer();
        var fits = (_kinds & Kinds.Values) switch
        {
            Kinds.Number => inferred.Type is ColumnType.Int64 or ColumnType.Double or ColumnType.Decimal,
            Kinds.Boolean => inferred.Type is ColumnType.Boolean,
            Kinds.String => inferred.Type is ColumnType.Date or ColumnType.Timestamp,
            _ => false
        };
        // NaN and the infinities fit a double only: beside numbers a double does not hold exactly, all stay text.
        return (fits || inferred.Type == ColumnType.String) && (!_anyNonFinite || inferred.Type == ColumnType.Double)
            ? inferred
            : new ColumnSpec(ColumnType.String, 0, false);
    }
}
