namespace SagaFiles.Processing.Archives;

/// <summary>
/// Watches the tar bytes on their way to <see cref="System.Formats.Tar.TarReader" /> and rejects a PAX or GNU
/// long-name header that declares more than <see cref="MaxMetadataBytes" />: TarReader allocates a buffer of the declared
/// size before reading (1 GiB for a 1 KiB archive). It is told where each entry's data ends, which is where the next
/// header starts, and follows metadata headers to the header they describe.
/// </summary>
sealed class TarMetadataGuard
{
    /// <summary>Far above real PAX records and long names (a few KiB).</summary>
    public const int MaxMetadataBytes = 1024 * 1024;

    readonly byte[] _block = new byte[TarHeader.BlockSize];
    long? _header = 0;
    int _filled;

    /// <summary>The next header starts at <paramref name="position" /> of the tar stream.</summary>
    public void ExpectHeaderAt(long position)
    {
        _header = position;
        _filled = 0;
    }

    /// <summary>Sees <paramref name="bytes" />, read from <paramref name="position" /> of the tar stream.</summary>
    /// <exception cref="ArchiveRejectedException">A metadata header declares too much.</exception>
    public void Observe(long position, ReadOnlySpan<byte> bytes)
    {
        var end = position + bytes.Length;
        while (_header is { } header && header + _filled < end)
        {
            var next = header + _filled;
            if (next < position)
            {
                _header = null; // its start went by unseen: leave it to TarReader
                return;
            }

            var take = (int)Math.Min(TarHeader.BlockSize - _filled, end - next);
            bytes.Slice((int)(next - position), take).CopyTo(_block.AsSpan(_filled));
            _filled += take;
            if (_filled < TarHeader.BlockSize)
                return;

            _header = null;
            if (TarHeader.IsHeader(_block) && TarHeader.IsMetadata(_block))
                Inspect(header);
        }
    }

    void Inspect(long header)
    {
        var size = TarHeader.Size(_block);
        if (size > MaxMetadataBytes)
        {
            var declared = size == long.MaxValue ? "an unreadable size" : ArchiveText.Size(size);
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt,
                $"the tar archive is corrupt or hostile: the header at byte {header} declares {declared} of metadata " +
                $"(the limit is {ArchiveText.Size(MaxMetadataBytes)})");
        }

        ExpectHeaderAt(header + TarHeader.BlockSize + TarHeader.Padded(size));
    }
}
