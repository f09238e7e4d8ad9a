using System.Buffers.Binary;

namespace SagaFiles.Processing.Archives;

/// <summary>
/// Checks that decompressed gzip content reached the length (mod 2^32) recorded in the stream's last four bytes.
/// <see cref="System.IO.Compression.GZipStream" /> checks a trailer it meets (CRC-32 and length) but ends quietly when
/// the input stops before one: a cut-off file would pass as a shorter one. Only the last member's trailer is there, so
/// gzip files joined into one do not pass.
/// </summary>
sealed class GZipTrailer
{
    /// <summary>The smallest gzip member: a 10-byte header, an empty deflate block, the 8-byte trailer.</summary>
    public const int MinLength = 20;

    readonly uint _expectedLength;

    GZipTrailer(uint expectedLength) => _expectedLength = expectedLength;

    /// <summary>Reads the trailer and leaves the stream at its start.</summary>
    /// <exception cref="ArchiveRejectedException">The stream is too short to be gzip.</exception>
    public static GZipTrailer Read(Stream gzip)
    {
        if (gzip.Length < MinLength)
            throw Corrupt($"{gzip.Length} bytes are too few for gzip");
        Span<byte> length = stackalloc byte[4];
        gzip.Position = gzip.Length - length.Length;
        gzip.ReadExactly(length);
        gzip.Position = 0;
        return new GZipTrailer(BinaryPrimitives.ReadUInt32LittleEndian(length));
    }

    /// <summary>Called with the decompressed total at the end.</summary>
    /// <exception cref="ArchiveRejectedException">The content is shorter or longer than the trailer says.</exception>
    public void Verify(long decompressed)
    {
        if ((uint)decompressed != _expectedLength)
            throw Corrupt($"its trailer records {_expectedLength} bytes but {decompressed} were decompressed " +
                          "(or it is several gzip files joined into one, which is not supported)");
    }

    static ArchiveRejectedException Corrupt(string detail) =>
        new(ArchiveRejection.Corrupt, $"the gzip data is truncated or corrupt: {detail}");
}
