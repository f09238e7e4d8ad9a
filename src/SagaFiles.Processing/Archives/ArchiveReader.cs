using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace SagaFiles.Processing.Archives;

/// <summary>
/// Reads the regular files out of a zip, tar, tar.gz or single-file gzip, one at a time, streaming: nothing is
/// extracted to disk or held in memory beyond a decompression buffer. Rejects an archive (throwing
/// <see cref="ArchiveRejectedException" />, while enumerating or while reading an entry's content) when an entry's path
/// is unsafe, when it is corrupt or truncated, or when it breaks the <see cref="ArchiveLimits" />.
/// </summary>
/// <remarks>
/// Skipped, never followed: directories, symbolic and hard links (tar, and zip entries marked as Unix symlinks),
/// devices, FIFOs and tar's volume labels and global headers; skipped too, the metadata macOS adds to the archives it
/// makes (<see cref="EntryPaths.IsMacOSMetadata" />). Rejected as unsupported: encrypted zip entries, tar's
/// sparse, multi-volume and renamed entries. Every entry met counts against <see cref="ArchiveLimits.MaxEntries" />
/// and has its path checked, skipped ones too. Single-file gzip made of several concatenated members is rejected as
/// corrupt, since only the last member's trailer can be checked.
/// </remarks>
public static class ArchiveReader
{
    const int UnixFileTypeMask = 0xF000;
    const int UnixSymbolicLink = 0xA000;

    /// <summary>Yields every regular file of the archive, in archive order.</summary>
    /// <param name="archive">The whole archive, readable and seekable (a staged temp file); read from its start and
    /// left open.</param>
    /// <param name="format">From <see cref="ArchiveFormatDetector.DetectAsync" />.</param>
    /// <param name="archiveName">The archive's own file name: single-file gzip without a stored name yields it minus
    /// ".gz" ("data.csv.gz" gives "data.csv").</param>
    /// <param name="limits">What the archive may expand to; validated.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <exception cref="ArchiveRejectedException">The archive is unsafe, corrupt or too large; the message says which
    /// entry and why.</exception>
    public static IAsyncEnumerable<ArchiveEntry> ReadEntriesAsync(Stream archive, ArchiveFormat format, string archiveName,
        ArchiveLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(limits);
        if (!archive.CanRead || !archive.CanSeek)
            throw new ArgumentException("The archive must be a readable, seekable stream (a staged file).", nameof(archive));
        limits.Validate();

        archive.Position = 0;
        var budget = new ExpansionBudget(limits, archive.Length);
        return format switch
        {
            ArchiveFormat.Zip => ReadZipAsync(archive, limits, budget, cancellationToken),
            ArchiveFormat.Tar or ArchiveFormat.TarGZip => ReadTarAsync(archive, format == ArchiveFormat.TarGZip, budget, cancellationToken),
            ArchiveFormat.GZip => ReadGZipAsync(archive, archiveName, budget, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null)
        };
    }

    /// <summary>The name a single-file gzip's content gets when its header stores none: gunzip's rule.</summary>
    static string UnzippedName(string archiveName)
    {
        var name = FileNames.Sanitize(archiveName);
        if (name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
            return name[..^4] + ".tar";
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && name.Length > 3)
            return name[..^3];
        return name;
    }

    static async IAsyncEnumerable<ArchiveEntry> ReadZipAsync(Stream archive, ArchiveLimits limits, ExpansionBudget budget,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (ZipCentralDirectory.CountRecords(archive, limits.MaxEntries) > limits.MaxEntries)
            throw ExpansionBudget.TooManyEntries(limits.MaxEntries);

        using var zip = await OpenZipAsync(archive, cancellationToken).ConfigureAwait(false);
        // The central directory says ahead how many files will be yielded (those that fail fail the whole archive).
        var listed = zip.Entries.Count(e => !IsSkipped(e, EntryPaths.Normalize(e.FullName)));
        var index = 0;
        foreach (var entry in zip.Entries)
        {
            budget.CountEntry(entry.FullName);
            var path = EntryPaths.Normalize(entry.FullName);
            if (IsSkipped(entry, path))
                continue;
            if (path.Length == 0)
                throw EntryPaths.Unsafe(entry.FullName, "has no file name");
            if (entry.IsEncrypted)
                throw new ArchiveRejectedException(ArchiveRejection.Unsupported,
                    $"entry {ArchiveText.Quote(entry.FullName)} is encrypted, which is not supported");
            budget.Reserve(entry.Length);

            var subject = $"entry {ArchiveText.Quote(entry.FullName)}";
            var inner = await OpenZipEntryAsync(entry, subject, cancellationToken).ConfigureAwait(false);
            var crc = new Crc32(); // .NET checks neither the CRC nor that the data reached its stated length
            await using var content = new MeteredStream(inner, budget, subject, read => VerifyZipEntry(subject, entry, read, crc),
                observe: (_, bytes) => crc.Append(bytes));
            yield return new ArchiveEntry(index++, path, EntryPaths.LastSegment(path), content, entry.Length, listed);
        }
    }

    static async Task<ZipArchive> OpenZipAsync(Stream archive, CancellationToken cancellationToken)
    {
        try
        {
            var zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null,
                cancellationToken).ConfigureAwait(false);
            _ = zip.Entries; // the central directory is read here, so its errors surface here
            return zip;
        }
        catch (Exception e) when (MeteredStream.IsCorruption(e))
        {
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt, $"the zip archive is corrupt or truncated: {e.Message}", e);
        }
    }

    static async Task<Stream> OpenZipEntryAsync(ZipArchiveEntry entry, string subject, CancellationToken cancellationToken)
    {
        try
        {
            return await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MeteredStream.IsCorruption(e))
        {
            // An unknown compression method (LZMA, bzip2) or a damaged local header.
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt, $"{subject} cannot be read: {e.Message}", e);
        }
    }

    static bool IsSkipped(ZipArchiveEntry entry, string path) =>
        EntryPaths.NamesDirectory(entry.FullName) || IsSymbolicLink(entry) || EntryPaths.IsMacOSMetadata(path);

    static bool IsSymbolicLink(ZipArchiveEntry entry) => ((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymbolicLink;

    static void VerifyLength(string subject, long declared, long read)
    {
        if (read != declared)
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt,
                $"{subject} is corrupt or truncated: its header says {declared} bytes, it holds {read}");
    }

    static void VerifyZipEntry(string subject, ZipArchiveEntry entry, long read, Crc32 crc)
    {
        VerifyLength(subject, entry.Length, read);
        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt, $"{subject} is corrupt: its CRC-32 does not match the content");
    }

    static async IAsyncEnumerable<ArchiveEntry> ReadTarAsync(Stream archive, bool gzipped, ExpansionBudget budget,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var guard = new TarMetadataGuard();
        var tar = gzipped
            ? Decompressed(archive, budget, "the tar.gz archive", guard.Observe)
            : new MeteredStream(archive, budget, "the tar archive", verifyEnd: null, leaveInnerOpen: true, guard.Observe);
        await using var reader = new TarReader(tar, leaveOpen: false);
        var index = 0;
        while (await NextTarEntryAsync(reader, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            // TarReader has read the headers and no further: the entry's data starts here.
            guard.ExpectHeaderAt(tar.Position + TarHeader.Padded(entry.Length));
            budget.CountEntry(entry.Name);
            var path = EntryPaths.Normalize(entry.Name);
            if (!IsTarFile(entry) || EntryPaths.NamesDirectory(entry.Name) || EntryPaths.IsMacOSMetadata(path))
                continue;
            if (path.Length == 0)
                throw EntryPaths.Unsafe(entry.Name, "has no file name");
            budget.Reserve(entry.Length);

            var subject = $"entry {ArchiveText.Quote(entry.Name)}";
            // The bytes are charged where they are decompressed (tar), so what the consumer skips is counted as well.
            await using var content = new MeteredStream(entry.DataStream ?? Stream.Null, budget: null, subject,
                read => VerifyLength(subject, entry.Length, read), leaveInnerOpen: true);
            yield return new ArchiveEntry(index++, path, EntryPaths.LastSegment(path), content, entry.Length);
        }

        // Read to the end, so the gzip trailer is checked and trailing bytes count against the limits.
        await tar.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
    }

    static async Task<TarEntry?> NextTarEntryAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MeteredStream.IsCorruption(e))
        {
            throw new ArchiveRejectedException(ArchiveRejection.Corrupt, $"the tar archive is corrupt or truncated: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            // TarReader's own refusal (GNU sparse entries in the old format, for one).
            throw new ArchiveRejectedException(ArchiveRejection.Unsupported, $"the tar archive cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Regular files are read; what is not content is skipped; what cannot be read faithfully is refused.</summary>
    static bool IsTarFile(TarEntry entry) => entry.EntryType switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => true,
        TarEntryType.Directory or TarEntryType.DirectoryList or TarEntryType.SymbolicLink or TarEntryType.HardLink or
            TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo or TarEntryType.TapeVolume or
            TarEntryType.GlobalExtendedAttributes => false,
        _ => throw new ArchiveRejectedException(ArchiveRejection.Unsupported,
            $"entry {ArchiveText.Quote(entry.Name)} is a tar entry of type {entry.EntryType}, which is not supported")
    };

    static async IAsyncEnumerable<ArchiveEntry> ReadGZipAsync(Stream archive, string archiveName, ExpansionBudget budget,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var name = await GZipHeader.ReadFileNameAsync(archive, cancellationToken).ConfigureAwait(false) ?? UnzippedName(archiveName);
        budget.CountEntry(name);
        var path = EntryPaths.Normalize(name);
        if (path.Length == 0)
            throw EntryPaths.Unsafe(name, "has no file name");

        await using var content = Decompressed(archive, budget, $"entry {ArchiveText.Quote(name)}");
        yield return new ArchiveEntry(0, path, EntryPaths.LastSegment(path), content, DeclaredLength: null, Listed: 1);
    }

    static MeteredStream Decompressed(Stream gzip, ExpansionBudget budget, string subject, ReadObserver? observe = null) =>
        new(new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true), budget, subject, GZipTrailer.Read(gzip).Verify,
            observe: observe);
}
