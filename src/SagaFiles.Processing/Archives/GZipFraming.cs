using System.Buffers.Binary;
using System.Text;

namespace SagaFiles.Processing.Archives;

/// <summary>
/// The parts of the gzip framing (RFC 1952) that <see cref="System.IO.Compression.GZipStream" /> does not expose: the
/// stored file name, and the trailer's length, needed because GZipStream ends silently on truncated input.
/// </summary>
static class GZipFraming
{
    /// <summary>The smallest gzip member: a 10-byte header, an empty deflate block, the 8-byte trailer.</summary>
    public const int MinLength = 20;

    const byte FlagExtra = 0x04;
    const byte FlagName = 0x08;
    const int MaxNameBytes = 1024;

    /// <summary>
    /// The FNAME field (ISO 8859-1) of the header at the stream's start, or null when there is none. Leaves the stream
    /// at its start.
    /// </summary>
    public static async Task<string?> ReadFileNameAsync(Stream gzip, CancellationToken cancellationToken)
    {
        var header = new byte[10 + 2 + ushort.MaxValue + MaxNameBytes];
        gzip.Position = 0;
        var length = await gzip.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        gzip.Position = 0;
        if (length < 10 || (header[3] & FlagName) == 0)
            return null;

        var start = 10;
        if ((header[3] & FlagExtra) != 0)
            start += 2 + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10, 2));
        var end = start < length ? Array.IndexOf(header, (byte)0, start, length - start) : -1;
        return end < 0 ? null : Encoding.Latin1.GetString(header, start, end - start);
    }

    /// <summary>
    /// A check for <see cref="MeteredStream" />: the decompressed total must match ISIZE (length mod 2^32) in the
    /// stream's last four bytes, which a cut-off file does not have. Leaves the stream at its start.
    /// </summary>
    /// <exception cref="ArchiveRejectedException">The stream is too short to be gzip.</exception>
    public static Action<long> TrailerCheck(Stream gzip)
    {
        if (gzip.Length < MinLength)
            throw Truncated($"{gzip.Length} bytes are too few for gzip");
        Span<byte> size = stackalloc byte[4];
        gzip.Position = gzip.Length - 4;
        gzip.ReadExactly(size);
        gzip.Position = 0;
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(size);
        return decompressed =>
        {
            if ((uint)decompressed != expected)
                throw Truncated($"its trailer records {expected} bytes but {decompressed} were decompressed " +
                                "(or it is several gzip files joined into one, which is not supported)");
        };
    }

    static ArchiveRejectedException Truncated(string detail) =>
        new(ArchiveRejection.Corrupt, $"the gzip data is truncated or corrupt: {detail}");
}
