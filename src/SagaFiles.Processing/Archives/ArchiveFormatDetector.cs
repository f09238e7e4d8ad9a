using System.IO.Compression;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Archives;

/// <summary>Tells which archive format, if any, a detected file is, so it can be unpacked.</summary>
public static class ArchiveFormatDetector
{
    /// <summary>
    /// The archive format of a file <see cref="FileTypeDetector" /> typed, or null when it is not an archive to
    /// unpack. Zip counts only with the ".zip" extension: .docx, .xlsx, .jar and the other zip-based documents pass
    /// through whole. A gzip is <see cref="ArchiveFormat.TarGZip" /> when its first decompressed block is a tar header
    /// (ustar magic at 257, or a valid v7 checksum), or an all-zero block (an empty tar) in a file named .tar.gz or
    /// .tgz; otherwise <see cref="ArchiveFormat.GZip" />. Content typed binary is <see cref="ArchiveFormat.Tar" /> when
    /// it starts with a v7 tar header (which has no magic for <see cref="FileTypeDetector" /> to see).
    /// </summary>
    /// <param name="staged">The whole file, seekable; read from its start and left at its start.</param>
    /// <param name="type">What <see cref="FileTypeDetector" /> made of the file.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<ArchiveFormat?> DetectAsync(Stream staged, DetectedFileType type,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(staged);
        ArgumentNullException.ThrowIfNull(type);
        if (!staged.CanSeek)
            throw new ArgumentException("The file must be seekable (a staged file).", nameof(staged));

        staged.Position = 0;
        return type.Kind switch
        {
            FileKind.Zip => type.Extension == ".zip" ? ArchiveFormat.Zip : null,
            FileKind.Tar => ArchiveFormat.Tar,
            FileKind.GZip => await IsTarInside(staged, type, cancellationToken).ConfigureAwait(false)
                ? ArchiveFormat.TarGZip
                : ArchiveFormat.GZip,
            FileKind.Binary => TarHeader.IsHeader(await FirstBlockAsync(staged, cancellationToken).ConfigureAwait(false))
                ? ArchiveFormat.Tar
                : null,
            _ => null
        };
    }

    static async Task<bool> IsTarInside(Stream staged, DetectedFileType type, CancellationToken cancellationToken)
    {
        byte[] block;
        try
        {
            await using var gzip = new GZipStream(staged, CompressionMode.Decompress, leaveOpen: true);
            block = await FirstBlockAsync(gzip, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return false; // damaged: read as a single file, whose reading reports the damage
        }
        finally
        {
            staged.Position = 0;
        }

        return TarHeader.IsHeader(block) || (TarHeader.IsEndBlock(block) && type.Extension is ".tar.gz" or ".tgz");
    }

    static async Task<byte[]> FirstBlockAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
            stream.Position = 0;
        var block = new byte[TarHeader.BlockSize];
        var read = await stream.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);
        if (stream.CanSeek)
            stream.Position = 0;
        return read == block.Length ? block : [];
    }
}
