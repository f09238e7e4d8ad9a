namespace SagaFiles.Processing.Hashing;

/// <summary>SHA-256 over a stream, read once in 1 MiB chunks.</summary>
public static class Sha256
{
    /// <summary>Reads <paramref name="content" /> from its current position to its end; it is left open.</summary>
    public static async Task<Sha256Checksum> ComputeAsync(Stream content, CancellationToken cancellationToken = default)
    {
        await using var hashing = new HashingStream(content, leaveOpen: true);
        return await hashing.DrainAsync(cancellationToken).ConfigureAwait(false);
    }
}
