using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>The parts of a request that AWS Signature Version 4 signs.</summary>
/// <param name="Method">HTTP method, e.g. POST.</param>
/// <param name="Uri">Absolute request URI; its path and query are canonicalised.</param>
/// <param name="Headers">Headers to sign (at least host); x-amz-date and x-amz-security-token are added by the signer.</param>
/// <param name="Payload">The exact request body bytes (empty for none).</param>
public sealed record SigV4Request(
    string Method,
    Uri Uri,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Payload);

/// <summary>Access key, secret and optional session token; the fields of <c>Amazon.Runtime.ImmutableCredentials</c>.</summary>
public sealed record SigV4Credentials(string AccessKey, string SecretKey, string? SessionToken = null);

/// <summary>Every intermediate of a signature, so each step can be checked against published vectors.</summary>
public sealed record SigV4Signature(
    string AmzDate,
    string CredentialScope,
    string CanonicalRequest,
    string StringToSign,
    string SignedHeaders,
    string Signature,
    string Authorization,
    IReadOnlyList<KeyValuePair<string, string>> HeadersToAdd);

/// <summary>
/// AWS Signature Version 4 (header signing, HMAC-SHA256) as described in the AWS General Reference:
/// canonical request, string to sign, derived signing key, signature, Authorization header.
/// </summary>
public sealed class AwsSigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string AmzDateHeader = "x-amz-date";
    public const string SecurityTokenHeader = "x-amz-security-token";

    public AwsSigV4Signer(string region, string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        Region = region;
        Service = service;
    }

    public string Region { get; }

    public string Service { get; }

    /// <summary>Signs <paramref name="request" /> at <paramref name="signedAt" />; the session token, if any, is signed as a header.</summary>
    public SigV4Signature Sign(SigV4Request request, SigV4Credentials credentials, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);

        var utc = signedAt.ToUniversalTime();
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var dateStamp = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

        var added = new List<KeyValuePair<string, string>> { new(AmzDateHeader, amzDate) };
        if (!string.IsNullOrEmpty(credentials.SessionToken))
            added.Add(new(SecurityTokenHeader, credentials.SessionToken));

        var canonicalRequest = CanonicalRequest(request.Method, request.Uri, [.. request.Headers, .. added],
            HexSha256(request.Payload.Span), out var signedHeaders);
        var scope = $"{dateStamp}/{Region}/{Service}/aws4_request";
        var stringToSign = StringToSign(amzDate, scope, canonicalRequest);
        var signature = Hex(HmacSha256(SigningKey(credentials.SecretKey, dateStamp, Region, Service), stringToSign));
        var authorization = $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";

        return new SigV4Signature(amzDate, scope, canonicalRequest, stringToSign, signedHeaders, signature, authorization, added);
    }

    /// <summary>
    /// Signs an <see cref="HttpRequestMessage" /> in place: adds x-amz-date, x-amz-security-token and Authorization.
    /// Signs host, content-type (if the content has one) and any x-amz-* headers already on the request.
    /// </summary>
    public SigV4Signature Sign(HttpRequestMessage message, byte[] payload, SigV4Credentials credentials, DateTimeOffset signedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        var uri = message.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(message));
        if (!uri.IsAbsoluteUri)
            throw new ArgumentException("The request URI must be absolute.", nameof(message));

        var headers = new List<KeyValuePair<string, string>> { new("host", message.Headers.Host ?? uri.Authority) };
        if (message.Content?.Headers.ContentType is { } contentType)
            headers.Add(new("content-type", contentType.ToString()));
        foreach (var header in message.Headers)
        {
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
                headers.Add(new(header.Key, string.Join(",", header.Value)));
        }

        var signature = Sign(new SigV4Request(message.Method.Method, uri, headers, payload), credentials, signedAt);
        foreach (var (name, value) in signature.HeadersToAdd)
            message.Headers.TryAddWithoutValidation(name, value);
        message.Headers.Remove("Authorization");
        message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return signature;
    }

    /// <summary>The canonical request: method, URI, query, headers, signed header names and payload hash, one per line.</summary>
    public static string CanonicalRequest(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash,
        out string signedHeaders)
    {
        var canonicalHeaders = headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant(), h => CanonicalHeaderValue(h.Value))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(",", g)))
            .ToList();
        signedHeaders = string.Join(";", canonicalHeaders.Select(h => h.Name));

        var builder = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalUri(uri)).Append('\n')
            .Append(CanonicalQueryString(uri)).Append('\n');
        foreach (var (name, value) in canonicalHeaders)
            builder.Append(name).Append(':').Append(value).Append('\n');
        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{credentialScope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secretKey, string dateStamp, string region, string service)
    {
        var key = HmacSha256(Encoding.UTF8.GetBytes("AWS4" + secretKey), dateStamp);
        key = HmacSha256(key, region);
        key = HmacSha256(key, service);
        return HmacSha256(key, "aws4_request");
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Hex(SHA256.HashData(data));

    /// <summary>RFC 3986 percent-encoding of everything but unreserved characters (A-Z a-z 0-9 - _ . ~), upper-case hex.</summary>
    public static string UriEncode(string value) => Uri.EscapeDataString(value);

    static string CanonicalUri(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (string.IsNullOrEmpty(path) || path == "/")
            return "/";
        // Each segment encoded once from its unescaped form; slashes between segments stay.
        return string.Join("/", path.Split('/').Select(segment => UriEncode(Uri.UnescapeDataString(segment))));
    }

    static string CanonicalQueryString(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
            return "";
        return string.Join("&", query
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                var eq = pair.IndexOf('=');
                var name = eq < 0 ? pair : pair[..eq];
                var value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Name: UriEncode(Uri.UnescapeDataString(name)), Value: UriEncode(Uri.UnescapeDataString(value)));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }

    static string CanonicalHeaderValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ' || c == '\t')
            {
                space = true;
                continue;
            }

            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    static byte[] HmacSha256(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
