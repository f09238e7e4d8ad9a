using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Routing;

/// <summary>Chooses a file's processor: the first rule that matches its type and tags, else pass-through.</summary>
public sealed class FileRouter
{
    /// <summary>The built-in processor: the staged original is published unchanged.</summary>
    public const string PassThrough = "pass-through";

    public const string Parquet = "parquet";
    public const string Archive = "archive";

    readonly IReadOnlyList<RoutingRule> _rules;

    /// <param name="rules">Tried in order; none configured means <see cref="DefaultRules" />.</param>
    public FileRouter(IReadOnlyList<RoutingRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules.Count > 0 ? rules : DefaultRules;
    }

    /// <summary>Tabular text to Parquet, archives into child files, everything else through unchanged.</summary>
    public static IReadOnlyList<RoutingRule> DefaultRules { get; } =
    [
        new() { Types = ["csv", "tsv", "json", "jsonl", "sql"], Processor = Parquet },
        new() { Types = [FileKinds.Archive], Processor = Archive }
    ];

    public IReadOnlyList<RoutingRule> Rules => _rules;

    public string Route(DetectedFileType type, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(tags);
        return _rules.FirstOrDefault(rule => MatchesType(rule, type) && rule.Tags.All(tag => MatchesTag(tag, tags)))?.Processor ?? PassThrough;
    }

    /// <summary>What is wrong with the rules, for start-up validation: unknown types and processors.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<RoutingRule> rules, IReadOnlyCollection<string> processors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            foreach (var unknown in rule.Types.Where(t => !FileKinds.Names.Contains(t, StringComparer.OrdinalIgnoreCase) &&
                                                          !FileKinds.Categories.Contains(t, StringComparer.OrdinalIgnoreCase)))
                yield return $"Routes[{i}]: unknown type '{unknown}' (kinds: {string.Join(", ", FileKinds.Names)}; " +
                             $"categories: {string.Join(", ", FileKinds.Categories)})";
            if (rule.Processor != PassThrough && !processors.Contains(rule.Processor))
                yield return $"Routes[{i}]: unknown processor '{rule.Processor}' (registered: {string.Join(", ", processors.Append(PassThrough))})";
            if (rule.Tags.Any(string.IsNullOrWhiteSpace))
                yield return $"Routes[{i}]: an empty tag";
        }
    }

    static bool MatchesType(RoutingRule rule, DetectedFileType type) =>
        rule.Types.Count == 0 || rule.Types.Any(t => t.Equals(type.Name, StringComparison.OrdinalIgnoreCase) ||
                                                     t.Equals(type.Category, StringComparison.OrdinalIgnoreCase) ||
                                                     (type.ClaimedKind is { } claimed && t.Equals(FileKinds.Name(claimed), StringComparison.OrdinalIgnoreCase)));

    static bool MatchesTag(string tag, IReadOnlyDictionary<string, string> tags)
    {
        var separator = tag.IndexOf('=', StringComparison.Ordinal);
        return separator < 0
            ? tags.ContainsKey(tag)
            : tags.TryGetValue(tag[..separator], out var value) && value == tag[(separator + 1)..];
    }
}
