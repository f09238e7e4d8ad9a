namespace SagaFiles.Api.Features.Uploads.PutPart;

/// <summary>The RFC 9530 <c>Content-Digest</c> header's <c>sha-256</c> member: <c>sha-256=:base64:</c>.</summary>
public static class ContentDigest
{
    public const string Header = "Content-Digest";

    /// <summary>Reads the SHA-256 if the header carries one; returns why it cannot be read, or null.</summary>
    public static string? TryReadSha256(IHeaderDictionary headers, out byte[]? sha256)
    {
        sha256 = null;
        if (!headers.TryGetValue(Header, out var values))
            return null;
        foreach (var member in values.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = member.Split('=', 2, StringSplitOptions.TrimEntries);
            if (!parts[0].Equals("sha-256", StringComparison.OrdinalIgnoreCase))
                continue; // other algorithms are not checked
            var value = parts.Length == 2 ? parts[1] : "";
            var bytes = new byte[32];
            if (value.Length < 2 || value[0] != ':' || value[^1] != ':' || !Convert.TryFromBase64String(value[1..^1], bytes, out var written) || written != 32)
                return $"{Header} must carry sha-256=:<the part's SHA-256 in base64>:.";
            sha256 = bytes;
        }

        return null;
    }
}
