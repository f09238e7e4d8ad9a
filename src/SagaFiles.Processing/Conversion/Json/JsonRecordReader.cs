using System.Text.Json;

namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Finds the records that become rows: the document's one object, each element of its top-level array, or each value
/// of JSON Lines. A record is normally an object; a null is a row of nulls, and an array or a scalar a row holding it
/// (<see cref="JsonRecordFlattener" />), as DuckDB reads them. A document that is neither object nor array fails the
/// conversion naming the line.
/// </summary>
sealed class JsonRecordReader(JsonTokenReader tokens, bool lines)
{
    // A document that is an object followed by more values reads on as JSON Lines, as DuckDB reads it: jq's pretty
    // output, or JSON Lines whose first record is longer than the prefix detection sees.
    bool _lines = lines;
    bool _started;
    bool _inArray;
    bool _ended;

    /// <summary>Moves to the next record's first token; false when there are no more.</summary>
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
            else if (!_lines && tokens.TokenType != JsonTokenType.StartObject)
            {
                throw new ConversionException(
                    $"the document is {Describe(tokens.TokenType)}; expected an object, an array of objects, or JSON " +
                    "Lines (one object per line, .jsonl).", tokens.Line);
            }
        }
        else if (!_lines && !_inArray)
        {
            _lines = any; // the document was an object: what follows it is JSON Lines
        }

        if (_inArray && tokens.TokenType == JsonTokenType.EndArray)
        {
            _inArray = false;
            return await tokens.ReadAsync(cancellationToken).ConfigureAwait(false) ? throw SecondDocument() : End();
        }

        return any || End();
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
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString()
    };
}
