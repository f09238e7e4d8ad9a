namespace SagaFiles.Processing.Hashing;

/// <summary>A SHA-256 digest and the number of bytes it covers.</summary>
/// <param name="Hex">The digest as 64 lowercase hex characters.</param>
/// <param name="Length">How many bytes were hashed.</param>
public sealed record Sha256Checksum(string Hex, long Length);
