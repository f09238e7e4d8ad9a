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

    public bool TryGetChild(ReadOnlySpan<char> key, out JsonPathNode child)
    {
        child = null!;
        return _children is not null &&
               _children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out child!);
    }

    public void AddChild(string key, JsonPathNode child) =>
        (_children ??= new Dictionary<string, JsonPathNode>(StringComparer.Ordinal)).Add(key, child);
}
