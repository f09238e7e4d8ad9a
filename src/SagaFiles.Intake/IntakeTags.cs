namespace SagaFiles.Intake;

/// <summary>
/// A file's tags as its sender gave them, with what is wrong with them if anything: read as <c>key=value,key=value</c>
/// text (a form field, a command line) or taken as pairs (a source's settings). <see cref="FileIntake" /> refuses a file
/// whose tags have a <see cref="Problem" />.
/// </summary>
public sealed class IntakeTags
{
    public const int MaxTags = 20;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 256;

    public static readonly IntakeTags None = new(new Dictionary<string, string>(StringComparer.Ordinal), null);

    IntakeTags(IReadOnlyDictionary<string, string> values, string? problem)
    {
        Values = values;
        Problem = problem;
    }

    /// <summary>The tags; empty when there is a <see cref="Problem" />.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>Why the tags cannot be taken; null when they can.</summary>
    public string? Problem { get; }

    /// <summary>Reads <c>a=1,b=2</c> (blank: no tags); a key given twice keeps its last value.</summary>
    public static IntakeTags Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return None;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !IsValid(parts[0], parts[1]))
                return Invalid(PairProblem(pair));
            tags[parts[0]] = parts[1];
        }

        return Checked(tags);
    }

    public static IntakeTags From(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
        {
            if (!IsValid(key, value))
                return Invalid(PairProblem($"{key}={value}"));
        }

        return Checked(new Dictionary<string, string>(tags, StringComparer.Ordinal));
    }

    static IntakeTags Checked(Dictionary<string, string> tags) =>
        tags.Count > MaxTags ? Invalid($"At most {MaxTags} tags are allowed.") : new IntakeTags(tags, null);

    static IntakeTags Invalid(string problem) => new(None.Values, problem);

    static bool IsValid(string key, string value) =>
        key.Length is > 0 and <= MaxKeyLength && value.Length <= MaxValueLength && !key.Any(char.IsControl) && !value.Any(char.IsControl);

    static string PairProblem(string pair) =>
        $"Tag '{pair}' must be key=value, with a key of 1 to {MaxKeyLength} and a value of at most {MaxValueLength} printable characters.";
}
