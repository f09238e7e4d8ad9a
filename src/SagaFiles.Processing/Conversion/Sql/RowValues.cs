namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>The values of one row as read from an INSERT or a COPY line, kept in one reusable char buffer.</summary>
sealed class RowValues
{
    const int NullMarker = -1;

    char[] _chars = new char[1024];
    (int Start, int Length)[] _values = new (int, int)[64];
    int _used;
    int _valueStart;

    public int Count { get; private set; }

    public bool IsNull(int index) => _values[index].Length == NullMarker;

    public ReadOnlySpan<char> this[int index] => _chars.AsSpan(_values[index].Start, _values[index].Length);

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    public void AddNull() => Add(_used, NullMarker);

    public void Add(ReadOnlySpan<char> value)
    {
        Start();
        Append(value);
        End();
    }

    /// <summary>Starts a value built from several pieces with <see cref="Append(char)" />; <see cref="End" /> adds it.</summary>
    public void Start() => _valueStart = _used;

    public void Append(char c)
    {
        Reserve(1);
        _chars[_used++] = c;
    }

    public void Append(ReadOnlySpan<char> chars)
    {
        Reserve(chars.Length);
        chars.CopyTo(_chars.AsSpan(_used));
        _used += chars.Length;
    }

    public void End() => Add(_valueStart, _used - _valueStart);

    void Add(int start, int length)
    {
        if (Count == _values.Length)
            Array.Resize(ref _values, Count * 2);
        _values[Count++] = (start, length);
    }

    void Reserve(int count)
    {
        if (_used + count > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_used + count, _chars.Length * 2));
    }
}
