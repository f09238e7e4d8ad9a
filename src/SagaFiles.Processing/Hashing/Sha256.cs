using System.Security.Cryptography;

namespace SagaFiles.Processing.Hashing;

/// <summary>SHA-256 over a stream, read once in 1 MiB chunks, or over bytes already in memory.</summary>
public static class Sha256
{
    /// <summary>The digest of <paramref name="content" />, all of it.</summary>
    public static Sha256Checksum Of(ReadOnlySpan<byte> content) =>
        new(Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);

    /// <summary>Reads <paramref name="content" /> from its current position to its end; it is left open.</summary>
    public static async Task<Sha256Checksum> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        await using var hashing = new HashingStream(content, leaveOpen: true);
        return await hashing.DrainAsync(cancellationToken).ConfigureAwait(false);
    }
}
