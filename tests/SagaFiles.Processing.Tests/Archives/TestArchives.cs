using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using SagaFiles.Processing.Archives;

namespace SagaFiles.Processing.Tests.Archives;

/// <summary>Builds archives in memory for the specs, and reads them back whole.</summary>
static class TestArchives
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static MemoryStream Zip(params (string Name, byte[] Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }

        stream.Position = 0;
        return stream;
    }

    /// <summary>A tar of the entries; without any, the two zero blocks GNU tar writes for an empty archive.</summary>
    public static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        if (entries.Length == 0)
            stream.Write(new byte[2 * 512]);
        WriteTar(stream, entries);
        stream.Position = 0;
        return stream;
    }

    public static MemoryStream TarGZip(params TarEntry[] entries) => GZip(Tar(entries).ToArray());

    public static void WriteTar(Stream destination, params TarEntry[] entries)
    {
        using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in entries)
            writer.WriteEntry(entry);
    }

    public static TarEntry RegularFile(string name, byte[] content) =>
        new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };

    public static TarEntry Entry(TarEntryType type, string name, string? linkName = null)
    {
        var entry = new PaxTarEntry(type, name);
        if (linkName is not null)
            entry.LinkName = linkName;
        return entry;
    }

    /// <summary>
    /// A tar header block written by hand: what TarWriter refuses to write (v7 without magic, GNU sparse entries,
    /// lying sizes). <paramref name="magic" /> is "ustar\000" (POSIX), "ustar  \0" (GNU) or null (v7).
    /// </summary>
    public static byte[] RawTarHeader(string name, char type, long size, string? magic = "ustar\000")
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        if (magic is not null)
            Encoding.ASCII.GetBytes(magic).CopyTo(header, 257);
        var checksum = header.Sum(b => b) + 8 * ' ';
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    /// <summary>A tar of one entry from <see cref="RawTarHeader" />, its data padded, and the end blocks.</summary>
    public static byte[] RawTar(byte[] header, byte[] content) =>
        [.. header, .. content, .. new byte[(512 - content.Length % 512) % 512], .. new byte[1024]];

    /// <summary>What `gzip -n &lt; /dev/null` writes; .NET's GZipStream writes nothing at all for no content.</summary>
    static readonly byte[] EmptyGZip = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>gzip with the stored file name, when given (.NET's GZipStream never writes one).</summary>
    public static MemoryStream GZip(byte[] content, string? storedName = null)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        var bytes = content.Length == 0 ? EmptyGZip : compressed.ToArray();
        if (storedName is null)
            return new MemoryStream(bytes);

        // FLG.FNAME, then the zero-terminated name after the 10-byte header.
        bytes[3] |= 0x08;
        return new MemoryStream([.. bytes[..10], .. Encoding.Latin1.GetBytes(storedName), 0, .. bytes[10..]]);
    }

    public static MemoryStream Cut(MemoryStream archive, int keep) => new(archive.ToArray()[..keep]);

    /// <summary>Bytes as hex, so entries compare by value in tuples.</summary>
    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    /// <summary>Reads every entry to its end; Content is <see cref="Hex" />.</summary>
    public static async Task<List<(int Index, string Path, string Name, string Content, long? DeclaredLength)>> ReadAllAsync(
        Stream archive, ArchiveFormat format, string archiveName = "upload", ArchiveLimits? limits = null)
    {
        var read = new List<(int, string, string, string, long?)>();
        await foreach (var entry in ArchiveReader.ReadEntriesAsync(archive, format, archiveName, limits ?? ArchiveLimits.Default))
        {
            using var content = new MemoryStream();
            await entry.Content.CopyToAsync(content);
            read.Add((entry.Index, entry.Path, entry.Name, Hex(content.ToArray()), entry.DeclaredLength));
        }

        return read;
    }

    public static Task<ArchiveRejectedException> RejectionOf(Stream archive, ArchiveFormat format, ArchiveLimits? limits = null) =>
        Should.ThrowAsync<ArchiveRejectedException>(() => ReadAllAsync(archive, format, limits: limits));
}
