using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Finds the objects that become rows: the document's one object, each element of its top-level array, or each line of
/// JSON Lines. A null there is a row of nulls, as DuckDB reads it (JavaScript writes a deleted array element as null);
/// anything else at that level fails the conversion naming the line.
/// </summary>
sealed class JsonRecordReader(JsonTokenReader tokens, bool lines)
{
    // A document that is an object followed by more objects reads on as JSON Lines, as DuckDB reads it: jq's pretty
    // output, or JSON Lines whose first record is longer than the prefix detection sees.
    bool _lines = lines;
    bool _started;
    bool _inArray;
    bool _ended;
    long _elements;

    /// <summary>Moves to the next record's opening brace, or its null; false when there are no more.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (_ended)
            return false;
        var any = await tokens.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!_started)
        {
            _started = true;
            if (!any)
                throw new ConversionException("The input holds no JSON: it is empty or only whitespace.");
            if (!_lines && tokens.TokenType == JsonTokenType.StartArray)
            {
                _inArray = true;
                any = await tokens.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!_lines && !_inArray)
        {
            if (!any)
                return End();
            if (tokens.TokenType is not (JsonTokenType.StartObject or JsonTokenType.Null))
                throw SecondDocument();
            _lines = true;
            return true;
        }

        if (_inArray)
        {
            if (tokens.TokenType == JsonTokenType.EndArray)
            {
                _inArray = false;
                return await tokens.ReadAsync(cancellationToken).ConfigureAwait(false) ? throw SecondDocument() : End();
            }

            _elements++;
            return tokens.TokenType is JsonTokenType.StartObject or JsonTokenType.Null
                ? true
                : throw new ConversionException(
                    $"element {_elements} of the top-level array is {Describe(tokens.TokenType)}; each element must be " +
                    "an object (it becomes a row).", tokens.Line);
        }

        if (!any)
            return End();
        if (tokens.TokenType == JsonTokenType.StartObject || (_lines && tokens.TokenType == JsonTokenType.Null))
            return true;
        throw new ConversionException(_lines
            ? $"the JSON Lines record is {Describe(tokens.TokenType)}; each line must hold one object (it becomes a row)."
            : $"the document is {Describe(tokens.TokenType)}; expected an object, an array of objects, or JSON Lines " +
              "(one object per line, .jsonl).", tokens.Line);
    }

    bool End()
    {
        _ended = true;
        return false;
    }

    ConversionException SecondDocument() => new(
        "another JSON value follows the end of the document: a JSON document is one array of objects, or objects " +
        "one after another (JSON Lines, .jsonl).", tokens.Line);

    static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString()
    };
}
