using System.Text.RegularExpressions;

namespace SagaFiles.Components.Data;

/// <summary>A tenant's name: lower-case letters, digits and dashes, because it becomes part of stored object keys.</summary>
public static partial class Tenants
{
    public const int MaxLength = 64;

    /// <summary>The tenant of files recorded before tenants existed, and of the local development key.</summary>
    public const string Default = "default";

    public static bool IsValid(string? tenant) => tenant != null && Pattern().IsMatch(tenant);

    public const string Rule = "a tenant is 1 to 64 lower-case letters, digits and dashes, starting with a letter or digit";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex Pattern();
}
