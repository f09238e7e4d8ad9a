using Microsoft.Net.Http.Headers;

namespace SagaFiles.Api.Security;

public static class BearerToken
{
    /// <summary>The token of an <c>Authorization: Bearer</c> header; null without the header, empty when it is malformed.</summary>
    public static string? Read(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(HeaderNames.Authorization, out var values))
            return null;
        var value = values.Count == 1 ? values[0] : null;
        const string scheme = "Bearer ";
        return value != null && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : "";
    }

    /// <summary>A JWT has three dot-separated parts; an API key has none.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;
}
