using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.RegularExpressions;

namespace SagaFiles.Storage;

/// <summary>
/// A general-purpose S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or
/// digit, no "..", not an IPv4 address, none of the prefixes and suffixes AWS reserves.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed partial class S3BucketNameAttribute : ValidationAttribute
{
    static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <summary>Why <paramref name="name" /> is not a valid bucket name; null when it is.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < 3 or > 63)
            return "must be 3 to 63 characters long";
        if (!Shape().IsMatch(name))
            return "may contain only lowercase letters, digits, '.' and '-', and must start and end with a letter or digit";
        if (name.Contains("..", StringComparison.Ordinal))
            return "must not contain two adjacent periods";
        if (name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _))
            return "must not be formatted as an IP address";
        if (ReservedPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix)
            return $"must not start with the reserved prefix '{prefix}'";
        if (ReservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix)
            return $"must not end with the reserved suffix '{suffix}'";
        return null;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        // [Required] reports a missing value.
        if (value is not string name || name.Length == 0)
            return ValidationResult.Success;
        return Problem(name) is { } problem
            ? new ValidationResult($"{validationContext.DisplayName} '{name}' is not a valid S3 bucket name: it {problem}.",
                validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
