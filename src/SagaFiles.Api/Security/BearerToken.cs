using Microsoft.Net.Http.Headers;

namespace SagaFiles.Api.Security;

public static class BearerToken
{
    /// <summary>The prefix of the WebSocket subprotocol that carries a browser's token (it cannot set headers there).</summary>
    public const string WebSocketProtocolPrefix = "bearer.";

    /// <summary>
    /// The token of an <c>Authorization: Bearer</c> header, else of a <c>bearer.{token}</c> WebSocket subprotocol (kept out
    /// of the URL, which proxies log); null without either, empty when the header is malformed.
    /// </summary>
    public static string? Read(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(HeaderNames.Authorization, out var values))
            return request.Headers.SecWebSocketProtocol.SelectMany(p => p?.Split(',') ?? []).Select(p => p.Trim())
                .FirstOrDefault(p => p.StartsWith(WebSocketProtocolPrefix, StringComparison.Ordinal))?[WebSocketProtocolPrefix.Length..];
        var value = values.Count == 1 ? values[0] : null;
        const string scheme = "Bearer ";
        return value != null && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : "";
    }

    /// <summary>A JWT has three dot-separated parts; an API key has none.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;
}
