using System.Buffers.Binary;

namespace SagaFiles.Processing.Archives;

/// <summary>
/// Counts a zip's central directory records before <see cref="System.IO.Compression.ZipArchive" /> loads them all
/// (about 600 bytes of memory each, and it believes the directory's size, not its stated count): a 1 GB directory of
/// millions of entries is refused after reading <c>max + 1</c> records.
/// </summary>
static class ZipCentralDirectory
{
    const uint EndSignature = 0x06054b50;
    const uint Zip64LocatorSignature = 0x07064b50;
    const uint Zip64EndSignature = 0x06064b50;
    const uint RecordSignature = 0x02014b50;
    const int EndLength = 22;
    const int RecordLength = 46;

    /// <summary>
    /// The number of records, counting no further than <paramref name="max" /> + 1; 0 when the directory cannot be found
    /// (<see cref="System.IO.Compression.ZipArchive" /> then says what is wrong).
    /// </summary>
    public static int CountRecords(Stream zip, int max)
    {
        var position = Start(zip);
        var count = 0;
        Span<byte> record = stackalloc byte[RecordLength];
        while (position is { } at && at >= 0 && count <= max && at + RecordLength <= zip.Length)
        {
            zip.Position = at;
            zip.ReadExactly(record);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != RecordSignature)
                break;
            count++;
            position = at + RecordLength + BinaryPrimitives.ReadUInt16LittleEndian(record[28..]) +
                       BinaryPrimitives.ReadUInt16LittleEndian(record[30..]) + BinaryPrimitives.ReadUInt16LittleEndian(record[32..]);
        }

        zip.Position = 0;
        return count;
    }

    /// <summary>Where the central directory starts, from the end record (or its zip64 version).</summary>
    static long? Start(Stream zip)
    {
        var tailLength = (int)Math.Min(zip.Length, EndLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        zip.Position = zip.Length - tailLength;
        zip.ReadExactly(tail);

        for (var end = tailLength - EndLength; end >= 0; end--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end)) != EndSignature)
                continue;
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 16));
            if (offset != uint.MaxValue)
                return offset;
            return Zip64Start(zip, zip.Length - tailLength + end);
        }

        return null;
    }

    static long? Zip64Start(Stream zip, long endRecord)
    {
        Span<byte> locator = stackalloc byte[20];
        if (endRecord < locator.Length)
            return null;
        zip.Position = endRecord - locator.Length;
        zip.ReadExactly(locator);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
            return null;

        Span<byte> end64 = stackalloc byte[56];
        var at = BinaryPrimitives.ReadInt64LittleEndian(locator[8..]);
        if (at < 0 || at + end64.Length > zip.Length)
            return null;
        zip.Position = at;
        zip.ReadExactly(end64);
        return BinaryPrimitives.ReadUInt32LittleEndian(end64) == Zip64EndSignature
            ? BinaryPrimitives.ReadInt64LittleEndian(end64[48..])
            : null;
    }
}
