namespace SagaFiles.Processing.Conversion.Json;

/// <summary>
/// Python's json module (json.dumps, the default) writes a float's NaN and infinities as bare NaN, Infinity and
/// -Infinity, which JSON does not have and Utf8JsonReader rejects; DuckDB reads them as doubles. Where a reader failed
/// at one, it is overwritten in place by a number of the same length ("0" and blanks) for the reader to take, and the
/// caller keeps the literal as the number's text.
/// </summary>
static class JsonNonFiniteNumbers
{
    static readonly byte[][] Literals = ["NaN"u8.ToArray(), "Infinity"u8.ToArray(), "-Infinity"u8.ToArray()];

    public enum Outcome
    {
        /// <summary>No such literal where the reader failed: the input is malformed.</summary>
        None,

        /// <summary>The literal at the offset returned was overwritten.</summary>
        Substituted,

        /// <summary>The bytes end inside what may be such a literal: read more and try again.</summary>
        NeedMore
    }

    /// <summary>Whether a number token's text is one of the literals.</summary>
    public static bool IsLiteral(ReadOnlySpan<char> text) => text is "NaN" or "Infinity" or "-Infinity";

    /// <summary>
    /// Looks for a literal as the value that follows <paramref name="bytes" />' start, where the last token a reader
    /// took ended (past blanks and one ',' or ':'), and overwrites it.
    /// </summary>
    /// <param name="isFinal">No more input follows <paramref name="bytes" />.</param>
    public static Outcome TrySubstitute(Span<byte> bytes, bool isFinal, out int offset, out byte[] literal)
    {
        offset = SkipBlanks(bytes, 0);
        if (offset < bytes.Length && bytes[offset] is (byte)',' or (byte)':')
            offset = SkipBlanks(bytes, offset + 1);
        var rest = bytes[offset..];
        foreach (var candidate in Literals)
        {
            literal = candidate;
            if (!rest.StartsWith(candidate))
            {
                if (!isFinal && rest.Length < candidate.Length && candidate.AsSpan().StartsWith(rest))
                    return Outcome.NeedMore;
                continue;
            }

            if (rest.Length == candidate.Length && !isFinal)
                return Outcome.NeedMore; // "Infinity" could yet be "Infinityx"
            if (rest.Length > candidate.Length && rest[candidate.Length] is not
                    ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)']' or (byte)'}'))
                break;
            rest[..candidate.Length].Fill((byte)' ');
            rest[0] = (byte)'0';
            return Outcome.Substituted;
        }

        literal = [];
        return Outcome.None;
    }

    static int SkipBlanks(ReadOnlySpan<byte> bytes, int i)
    {
        while (i < bytes.Length && bytes[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            i++;
        return i;
    }
}
