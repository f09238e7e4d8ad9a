using System.Buffers.Binary;
using System.Text;

namespace SagaFiles.Processing.Archives;

/// <summary>The gzip header's stored file name (RFC 1952), which <see cref="System.IO.Compression.GZipStream" /> skips.</summary>
static class GZipHeader
{
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
}
