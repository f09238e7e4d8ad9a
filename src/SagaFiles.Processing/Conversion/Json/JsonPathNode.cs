namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// A key path in the nesting of objects, so that finding a key's column costs a lookup by the key's text and not a
/// string built per value. Paths spelled the same ("a.b" as one key, or "b" inside "a") share one column.
/// </summary>
sealed class JsonPathNode(JsonColumn? column)
{
    Dictionary<string, JsonPathNode>? _children;

    /// <summary>The column of this path; null for the root, which is the record itself.</summary>
    public JsonColumn? Column => column;

    /// <summary>Whether this path's objects are held whole as JSON text, as arrays are, rather than flattened.</summary>
    public bool KeptWhole { get; private set; }

    /// <summary>The columns of the paths below this one, each once.</summary>
    public IEnumerable<JsonColumn> DescendantColumns() =>
        Children.SelectMany(child => child.DescendantColumns().Prepend(child.Column!)).Distinct();

    /// <summary>From now on this path's objects are held whole; the paths below it are forgotten.</summary>
    public void KeepWhole()
    {
        KeptWhole = true;
        _children = null;
    }

    public bool TryGetChild(ReadOnlySpan<char> key, out JsonPathNode child)
    {
        child = null!;
        return _children is not null &&
               _children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out child!);
    }

    /// <summary>Adds the child of a new key, or replaces one whose column was dropped.</summary>
    public void SetChild(string key, JsonPathNode child) =>
        (_children ??= new Dictionary<string, JsonPathNode>(StringComparer.Ordinal))[key] = child;

    /// <summary>The paths just below this one.</summary>
    public IEnumerable<JsonPathNode> Children => _children?.Values ?? Enumerable.Empty<JsonPathNode>();
}
