using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// The key paths of every record and what their values were: the schema pass feeds it the whole input (a key can first
/// appear in the last record), then <see cref="Complete" /> decides the columns, in order of first appearance.
/// </summary>
sealed class JsonTableSchema(ProcessingLimits limits) : IJsonRecordSink
{
    readonly Dictionary<string, JsonColumn> _byPath = new(StringComparer.Ordinal);
    readonly List<JsonColumn> _columns = [];

    /// <summary>Where the keys below an object held whole lead while the record that made it so is read.</summary>
    readonly JsonPathNode _forgotten = new(new JsonColumn("") { Dropped = true });

    /// <summary>The record itself, parent of the top-level keys.</summary>
    public JsonPathNode Root { get; } = new(null);

    public bool WantsArrayText => false;

    /// <summary>The node of <paramref name="key" /> inside <paramref name="parent" />, added when new.</summary>
    public JsonPathNode Child(JsonPathNode parent, ReadOnlySpan<char> key, long line)
    {
        // Below an object held whole since this record began: read on, for nothing (its text is taken in the write pass).
        if (parent.KeptWhole || parent.Column is { Dropped: true })
            return _forgotten;
        if (parent.TryGetChild(key, out var child) && !child.Column!.Dropped)
            return child;

        // The key is checked before a path is built from it, and the parent's path was checked when it was new: a long
        // key over many nested keys cannot make as many long paths.
        limits.CheckName(key, "the key", line);
        var name = key.ToString();
        var path = parent.Column is { } outer ? $"{outer.Path}.{name}" : name;
        limits.CheckName(path, "the key path", line);
        if (!_byPath.TryGetValue(path, out var column))
        {
            if (_byPath.Count == limits.MaxFlattenedColumns && !KeepWidestWhole())
                throw ProcessingLimits.Breach(nameof(ProcessingLimits.MaxFlattenedColumns), _byPath.Count + 1,
                    limits.MaxFlattenedColumns,
                    $"the objects hold more distinct key paths (the last one: '{Excerpt.Of(path)}'; keys that are data, " +
                    "such as ids or dates, make a column each: store such maps as arrays of objects)", line);
            if (parent.KeptWhole || parent.Column is { Dropped: true })
                return _forgotten; // the parent was the one kept whole
            column = new JsonColumn(path);
            _byPath.Add(path, column);
            _columns.Add(column);
        }

        child = new JsonPathNode(column);
        parent.SetChild(name, child);
        return child;
    }

    /// <summary>
    /// Makes room for more key paths: of the record's keys that hold objects, the one with the most paths below it has
    /// its objects held whole as JSON text from now on, as arrays are (a GitHub event's payload, whose keys differ with
    /// each kind of event). False when no key holds an object with paths below it.
    /// </summary>
    bool KeepWidestWhole()
    {
        var widest = Root.Children.Where(node => !node.KeptWhole)
            .Select(node => (Node: node, Below: node.DescendantColumns().ToList()))
            .Where(candidate => candidate.Below.Count > 0)
            .OrderByDescending(candidate => candidate.Below.Count).FirstOrDefault();
        if (widest.Node is null)
            return false;

        foreach (var column in widest.Below)
        {
            column.Dropped = true;
            _byPath.Remove(column.Path);
        }

        _columns.RemoveAll(column => column.Dropped);
        widest.Node.KeepWhole();
        widest.Node.Column!.KeepWhole();
        return true;
    }

    public void Accept(JsonColumn column, JsonValueKind kind, ReadOnlySpan<char> text, long line) =>
        column.Observe(kind, text);

    public void EndRecord()
    {
    }

    /// <summary>Numbers the written columns and names them: unique, case-insensitively, as query engines need.</summary>
    public (IReadOnlyList<string> Names, IReadOnlyList<ColumnSpec> Specs) Complete()
    {
        var written = _columns.Where(c => c.IsWritten).ToList();
        if (written.Count == 0)
            throw new ConversionException(
                "no object in the input has a key (an empty array, or only empty objects): there are no columns to write.");
        limits.CheckColumns(written.Count, "the objects' key paths make a table that");
        for (var i = 0; i < written.Count; i++)
            written[i].Index = i;
        return (CsvRecordReader.UniqueNames(written.Select(c => c.Path).ToList()), written.Select(c => c.Infer()).ToList());
    }
}
