namespace SagaFiles.Processing.Archives;

/// <summary>Reads the few fields of a tar header block this project needs to judge it.</summary>
static class TarHeader
{
    public const int BlockSize = 512;
    const int SizeOffset = 124;
    const int SizeLength = 12;
    const int ChecksumOffset = 148;
    const int ChecksumLength = 8;
    const int TypeOffset = 156;
    const int MagicOffset = 257;

    /// <summary>A header block: the ustar magic, or (old v7 archives have none) a valid checksum.</summary>
    public static bool IsHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < BlockSize || block[0] == 0)
            return false;
        if (block.Slice(MagicOffset, 5).SequenceEqual("ustar"u8))
            return true;
        return HasValidChecksum(block);
    }

    public static bool HasValidChecksum(ReadOnlySpan<byte> block) =>
        Octal(block.Slice(ChecksumOffset, ChecksumLength)) is { } stored && stored == ComputedChecksum(block);

    /// <summary>An all-zero block: how a tar ends, and all an empty tar holds.</summary>
    public static bool IsEndBlock(ReadOnlySpan<byte> block) =>
        block.Length >= BlockSize && !block[..BlockSize].ContainsAnyExcept((byte)0);

    /// <summary>
    /// A header that describes the next one rather than a file: a PAX extended header ('x', 'g') or a GNU long name or
    /// link ('L', 'K'). Readers load its data into memory whole.
    /// </summary>
    public static bool IsMetadata(ReadOnlySpan<byte> block) => block[TypeOffset] is (byte)'x' or (byte)'g' or (byte)'L' or (byte)'K';

    /// <summary>The size field; <see cref="long.MaxValue" /> when it is GNU's base-256 form or not a number.</summary>
    public static long Size(ReadOnlySpan<byte> block) => Octal(block.Slice(SizeOffset, SizeLength)) ?? long.MaxValue;

    public static long Padded(long size) => (size + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>An octal field: digits, then a NUL or space; leading spaces allowed.</summary>
    static long? Octal(ReadOnlySpan<byte> field)
    {
        field = field.TrimStart((byte)' ');
        var value = 0L;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
                break;
            if (b is < (byte)'0' or > (byte)'7' || digits == 21)
                return null;
            value = value * 8 + (b - '0');
            digits++;
        }

        return digits > 0 ? value : null;
    }

    /// <summary>The sum of the header's bytes with the checksum field counted as spaces.</summary>
    static int ComputedChecksum(ReadOnlySpan<byte> block)
    {
        var sum = ChecksumLength * ' ';
        for (var i = 0; i < BlockSize; i++)
        {
            if (i is < ChecksumOffset or >= ChecksumOffset + ChecksumLength)
                sum += block[i];
        }

        return sum;
    }
}
