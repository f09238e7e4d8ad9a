using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>Receives each record flattened to values by column, as <see cref="JsonRecordFlattener" /> reads it.</summary>
interface IJsonRecordSink
{
    /// <summary>Whether arrays are wanted as JSON text (otherwise they are skipped and passed on as empty text).</summary>
    bool WantsArrayText { get; }

    /// <summary>A value at a key path: a scalar with its text, null, an array or an object held whole (as JSON text,
    /// kind Array), or an object (no text; its keys follow as values of their own).</summary>
    void Accept(JsonColumn column, JsonValueKind kind, ReadOnlySpan<char> text, long line);

    void EndRecord();
}
