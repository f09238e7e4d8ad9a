namespace SagaFiles.Processing.Archives;

/// <summary>Recognises a tar header block: the ustar magic, or (old v7 archives have none) a valid checksum.</summary>
static class TarHeader
{
    public const int BlockSize = 512;
    const int MagicOffset = 257;
    const int ChecksumOffset = 148;
    const int ChecksumLength = 8;

    public static bool IsHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < BlockSize || block[0] == 0)
            return false;
        if (block.Slice(MagicOffset, 5).SequenceEqual("ustar"u8))
            return true;
        return StoredChecksum(block.Slice(ChecksumOffset, ChecksumLength)) is { } stored && stored == ComputedChecksum(block);
    }

    /// <summary>An all-zero block: how a tar ends, and all an empty tar holds.</summary>
    public static bool IsEndBlock(ReadOnlySpan<byte> block) =>
        block.Length >= BlockSize && !block[..BlockSize].ContainsAnyExcept((byte)0);

    /// <summary>The octal checksum field: digits, then a NUL or space; leading spaces allowed.</summary>
    static int? StoredChecksum(ReadOnlySpan<byte> field)
    {
        field = field.TrimStart((byte)' ');
        var value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
                break;
            if (b is < (byte)'0' or > (byte)'7')
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
