using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Walks one record (an object) token by token and hands each value to a sink by its flattened key path: nested
/// objects become dotted paths, arrays stay whole as compact JSON text (docs/adr/0005).
/// </summary>
sealed class JsonRecordFlattener
{
    readonly JsonTokenReader _tokens;
    readonly JsonTableSchema _schema;
    readonly IJsonRecordSink _sink;
    readonly int _maxValueBytes;
    readonly ArrayBufferWriter<byte> _arrayJson = new();
    readonly Utf8JsonWriter _arrayWriter;
    char[] _arrayText = [];

    public JsonRecordFlattener(JsonTokenReader tokens, JsonTableSchema schema, IJsonRecordSink sink, int maxValueBytes)
    {
        _tokens = tokens;
        _schema = schema;
        _sink = sink;
        _maxValueBytes = maxValueBytes;
        // Relaxed escaping keeps non-ASCII text readable: the JSON lands in a Parquet string, not in HTML.
        _arrayWriter = new Utf8JsonWriter(_arrayJson, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>
    /// Column of a record that is an array or a scalar (a table written as arrays of rows, a list of values): one
    /// column holding it, named as DuckDB names it.
    /// </summary>
    const string NonObjectRecordColumn = "json";

    /// <summary>Reads the record whose first token is the current one, through its last; a null record is a row of
    /// nulls.</summary>
    public async ValueTask FlattenAsync(CancellationToken cancellationToken)
    {
        switch (_tokens.TokenType)
        {
            case JsonTokenType.StartObject:
                await ObjectAsync(_schema.Root, cancellationToken).ConfigureAwait(false);
                break;
            case JsonTokenType.Null:
                break;
            default:
                await ValueAsync(_schema.Child(_schema.Root, NonObjectRecordColumn, _tokens.Line), cancellationToken)
                    .ConfigureAwait(false);
                break;
        }

        _sink.EndRecord();
    }

    async ValueTask ObjectAsync(JsonPathNode node, CancellationToken cancellationToken)
    {
        while (await _tokens.ReadAsync(cancellationToken).ConfigureAwait(false) &&
               _tokens.TokenType == JsonTokenType.PropertyName)
        {
            var child = _schema.Child(node, _tokens.Text, _tokens.Line);
            await _tokens.ReadAsync(cancellationToken).ConfigureAwait(false); // a value always follows a name
            await ValueAsync(child, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands the value that starts at the current token to the sink as <paramref name="node" />'s.</summary>
    async ValueTask ValueAsync(JsonPathNode node, CancellationToken cancellationToken)
    {
        var column = node.Column!;
        var line = _tokens.Line;
        switch (_tokens.TokenType)
        {
            case JsonTokenType.StartObject when !node.KeptWhole:
                _sink.Accept(column, JsonValueKind.Object, default, line);
                await ObjectAsync(node, cancellationToken).ConfigureAwait(false);
                break;
            case JsonTokenType.StartArray or JsonTokenType.StartObject:
                // An object held whole is JSON text as an array is (JsonTableSchema.Child).
                var length = await WholeAsync(column, cancellationToken).ConfigureAwait(false);
                _sink.Accept(column, JsonValueKind.Array, _arrayText.AsSpan(0, length), line);
                break;
            default:
                _sink.Accept(column, KindOf(_tokens.TokenType), _tokens.Text, line);
                break;
        }
    }

    /// <summary>Reads the array (or object held whole) that starts at the current token; its JSON text goes to
    /// <see cref="_arrayText" /> when the sink wants it. Returns the text's length.</summary>
    async ValueTask<int> WholeAsync(JsonColumn column, CancellationToken cancellationToken)
    {
        var copy = _sink.WantsArrayText;
        var line = _tokens.Line;
        var what = _tokens.TokenType == JsonTokenType.StartArray ? "array" : "object";
        if (copy)
        {
            _arrayJson.ResetWrittenCount();
            _arrayWriter.Reset();
        }

        for (var depth = 0;;)
        {
            if (copy)
                CopyToken();
            depth += _tokens.TokenType switch
            {
                JsonTokenType.StartArray or JsonTokenType.StartObject => 1,
                JsonTokenType.EndArray or JsonTokenType.EndObject => -1,
                _ => 0
            };
            if (depth == 0)
                break;
            if (copy && _arrayWriter.BytesPending + _arrayWriter.BytesCommitted > _maxValueBytes)
                throw new ConversionException(
                    $"the {what} at '{Excerpt.Of(column.Path)}' is longer than {_maxValueBytes:N0} bytes, the most a " +
                    "value may hold.", line);
            await _tokens.ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!copy)
            return 0;
        _arrayWriter.Flush();
        var json = _arrayJson.WrittenSpan;
        if (_arrayText.Length < json.Length)
            _arrayText = new char[Math.Max(json.Length, _arrayText.Length * 2)];
        return Encoding.UTF8.GetChars(json, _arrayText);
    }

    void CopyToken()
    {
        switch (_tokens.TokenType)
        {
            case JsonTokenType.StartArray:
                _arrayWriter.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                _arrayWriter.WriteEndArray();
                break;
            case JsonTokenType.StartObject:
                _arrayWriter.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                _arrayWriter.WriteEndObject();
                break;
            case JsonTokenType.PropertyName:
                _arrayWriter.WritePropertyName(_tokens.Text);
                break;
            case JsonTokenType.String:
                _arrayWriter.WriteStringValue(_tokens.Text);
                break;
            case JsonTokenType.Number:
                _arrayWriter.WriteRawValue(_tokens.Text, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                _arrayWriter.WriteBooleanValue(_tokens.TokenType == JsonTokenType.True);
                break;
            default:
                _arrayWriter.WriteNullValue();
                break;
        }
    }

    static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null
    };
}
