using System.Text.Json;
using System.Text.RegularExpressions;

namespace SagaFiles.Api.Tests.Iam;

/// <summary>
/// The Allow statements of one role's policy in deploy/aws/iam-policy.json, with its placeholders filled in, and
/// whether they allow a call (action and resource wildcards as IAM matches them; this policy has no conditions or Deny).
/// </summary>
public sealed class IamPolicy(IReadOnlyList<(Regex Action, Regex Resource)> grants)
{
    public static string PolicyFile => Path.Combine(RepositoryRoot(), "deploy", "aws", "iam-policy.json");

    public static IamPolicy Load(string role, IReadOnlyDictionary<string, string> placeholders)
    {
        var text = placeholders.Aggregate(File.ReadAllText(PolicyFile), (current, p) => current.Replace(p.Key, p.Value, StringComparison.Ordinal));
        using var document = JsonDocument.Parse(text);
        var grants = new List<(Regex, Regex)>();
        foreach (var statement in document.RootElement.GetProperty(role).GetProperty("Statement").EnumerateArray())
        {
            if (statement.GetProperty("Effect").GetString() != "Allow")
                throw new InvalidOperationException($"{role}: only Allow statements are expected");
            foreach (var action in Values(statement.GetProperty("Action")))
            foreach (var resource in Values(statement.GetProperty("Resource")))
                grants.Add((Wildcard(action), Wildcard(resource)));
        }

        return new IamPolicy(grants);
    }

    public bool Allows(string action, string resource) => grants.Any(g => g.Action.IsMatch(action) && g.Resource.IsMatch(resource));

    static IEnumerable<string> Values(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()!) : [element.GetString()!];

    /// <summary>IAM's wildcards: '*' any run of characters, '?' one; actions match case-insensitively.</summary>
    static Regex Wildcard(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SagaFiles.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException("SagaFiles.sln not found above " + AppContext.BaseDirectory);
    }
}
