using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Security;

/// <summary>
/// An API key's secret: <c>sfk_</c> and 256 random bits in base64url. Its first <see cref="ApiKey.PrefixLength" /> characters are
/// shown in lists and logs; only its SHA-256 is stored.
/// </summary>
public static class ApiKeySecrets
{
    const string Marker = "sfk_";
    const int RandomBytes = 32;
    static readonly int Length = Marker.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string New() => Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    public static string PrefixOf(string secret) => secret[..ApiKey.PrefixLength];

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether the text has a key's shape; anything else is refused before the database is asked.</summary>
    public static bool HasKeyShape(string text) =>
        text.Length == Length && text.StartsWith(Marker, StringComparison.Ordinal) && Base64Url.IsValid(text.AsSpan(Marker.Length));
}
