using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using static SagaFiles.Processing.Tests.Archives.TestArchives;

namespace SagaFiles.Processing.Tests.Archives;

public class ArchiveRejection_Specs
{
    static readonly byte[] Csv = Utf8("id,name\n1,Ada\n");
    const int MiB = 1024 * 1024;

    [TestCase("../../etc/passwd", "entry \"../../etc/passwd\" escapes the archive (\"..\" segment)")]
    [TestCase("reports/../../../x.csv", "entry \"reports/../../../x.csv\" escapes the archive (\"..\" segment)")]
    [TestCase(@"..\..\evil.bat", "entry \"..\\..\\evil.bat\" escapes the archive (\"..\" segment)")]
    [TestCase("/etc/x", "entry \"/etc/x\" has an absolute path")]
    [TestCase(@"\\server\share\x", "entry \"\\\\server\\share\\x\" has an absolute path")]
    [TestCase(@"C:\Windows\evil.dll", "entry \"C:\\Windows\\evil.dll\" has an absolute path (drive letter)")]
    [TestCase("c:relative.txt", "entry \"c:relative.txt\" has an absolute path (drive letter)")]
    [TestCase("ok.csv\0.exe", "entry \"ok.csv\\0.exe\" has a NUL character in its name")]
    public async Task A_zip_entry_with_an_unsafe_path_rejects_the_archive(string name, string reason)
    {
        var error = await RejectionOf(Zip(("fine.csv", Csv), (name, Csv)), ArchiveFormat.Zip);

        error.Reason.ShouldBe(ArchiveRejection.UnsafePath);
        error.Message.ShouldBe(reason);
    }

    [TestCase("../x.csv", "entry \"../x.csv\" escapes the archive (\"..\" segment)")]
    [TestCase("/etc/cron.d/job", "entry \"/etc/cron.d/job\" has an absolute path")]
    public async Task A_tar_entry_with_an_unsafe_path_rejects_the_archive(string name, string reason)
    {
        var error = await RejectionOf(TarGZip(RegularFile(name, Csv)), ArchiveFormat.TarGZip);

        error.Message.ShouldBe(reason);
    }

    [Test]
    public async Task An_unsafe_path_is_rejected_even_on_an_entry_that_would_be_skipped()
    {
        var error = await RejectionOf(Tar(Entry(TarEntryType.SymbolicLink, "../../outside", linkName: "x")), ArchiveFormat.Tar);

        error.Message.ShouldBe("entry \"../../outside\" escapes the archive (\"..\" segment)");
    }

    [Test]
    public async Task A_gzip_whose_stored_name_escapes_is_rejected()
    {
        var error = await RejectionOf(GZip(Csv, storedName: "../../etc/cron.d/x"), ArchiveFormat.GZip);

        error.Message.ShouldBe("entry \"../../etc/cron.d/x\" escapes the archive (\"..\" segment)");
    }

    [Test]
    public async Task Too_many_entries_are_rejected_in_every_format()
    {
        var limits = new ArchiveLimits { MaxEntries = 5 };
        var six = Enumerable.Range(1, 6).Select(i => ($"{i}.csv", Csv)).ToArray();

        var zip = await RejectionOf(Zip(six), ArchiveFormat.Zip, limits);
        var tar = await RejectionOf(Tar(six.Select(e => RegularFile(e.Item1, e.Csv)).ToArray()), ArchiveFormat.Tar, limits);

        zip.Reason.ShouldBe(ArchiveRejection.TooManyEntries);
        zip.Message.ShouldBe("the archive has more than 5 entries");
        tar.Message.ShouldBe("the archive has more than 5 entries");
        (await ReadAllAsync(Zip(six[..5]), ArchiveFormat.Zip, limits: limits)).Count.ShouldBe(5);
    }

    [Test]
    public async Task Directories_count_as_entries()
    {
        var tar = Tar(Entry(TarEntryType.Directory, "a/"), Entry(TarEntryType.Directory, "b/"), RegularFile("a/x.csv", Csv));

        var error = await RejectionOf(tar, ArchiveFormat.Tar, new ArchiveLimits { MaxEntries = 2 });

        error.Message.ShouldBe("the archive has more than 2 entries");
    }

    [Test]
    public async Task A_zip_bomb_is_stopped_by_the_ratio_after_the_floor()
    {
        var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await zip.CreateEntry("zeros.bin", CompressionLevel.Optimal).OpenAsync();
            await WriteZerosAsync(entry, 200 * MiB);
        }

        bomb.Position = 0;
        var received = new WriteCountingStream(Stream.Null);
        var error = await Should.ThrowAsync<ArchiveRejectedException>(async () =>
        {
            await foreach (var entry in ArchiveReader.ReadEntriesAsync(bomb, ArchiveFormat.Zip, "bomb.zip", ArchiveLimits.Default))
                await entry.Content.CopyToAsync(received);
        });

        error.Reason.ShouldBe(ArchiveRejection.CompressionRatio);
        error.Message.ShouldBe("the archive's compression ratio is above 100:1 after 50 MiB (at entry \"zeros.bin\"): a zip bomb?");
        received.BytesWritten.ShouldBeInRange(49L * MiB, 51L * MiB);
    }

    [Test]
    public async Task A_tar_gz_bomb_is_stopped_even_when_its_content_is_never_read()
    {
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            await using var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            await using var zeros = new ZeroStream(200 * MiB);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "zeros.bin") { DataStream = zeros });
            await writer.WriteEntryAsync(RegularFile("after.csv", Csv));
        }

        compressed.Position = 0;
        var seen = new List<string>();
        var error = await Should.ThrowAsync<ArchiveRejectedException>(async () =>
        {
            await foreach (var entry in ArchiveReader.ReadEntriesAsync(compressed, ArchiveFormat.TarGZip, "b.tgz", ArchiveLimits.Default))
                seen.Add(entry.Path);
        });

        error.Message.ShouldBe("the archive's compression ratio is above 100:1 after 50 MiB (at entry \"zeros.bin\"): a zip bomb?");
        seen.ShouldBe(["zeros.bin"]);
    }

    [Test]
    public async Task A_single_gzip_that_expands_too_far_is_stopped_by_the_total()
    {
        var limits = new ArchiveLimits { MaxTotalBytes = 100 * 1024, MaxCompressionRatio = 1_000_000 };
        var content = new byte[300 * 1024];

        var error = await RejectionOf(GZip(content, storedName: "big.bin"), ArchiveFormat.GZip, limits);

        error.Reason.ShouldBe(ArchiveRejection.TooLarge);
        error.Message.ShouldBe("the archive expands beyond 100 KiB (at entry \"big.bin\")");
    }

    [Test]
    public async Task An_honest_header_too_large_for_the_total_is_rejected_before_anything_is_read()
    {
        var limits = new ArchiveLimits { MaxTotalBytes = 100 * 1024, MaxCompressionRatio = 1_000_000 };
        var zip = Zip(("small.csv", Csv), ("huge.bin", new byte[200 * 1024]));
        var paths = new List<string>();

        var error = await Should.ThrowAsync<ArchiveRejectedException>(async () =>
        {
            await foreach (var entry in ArchiveReader.ReadEntriesAsync(zip, ArchiveFormat.Zip, "z.zip", limits))
                paths.Add(entry.Path);
        });

        error.Message.ShouldBe("the archive expands beyond 100 KiB (at entry \"huge.bin\")");
        paths.ShouldBe(["small.csv"]);
    }

    [Test]
    public async Task A_tar_header_declaring_a_gigabyte_of_metadata_is_rejected_before_it_is_allocated()
    {
        byte[] hostile = [.. RawTarHeader("PaxHeaders/x", 'x', 1L << 30), .. new byte[4096]];
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var tar = await RejectionOf(new MemoryStream(hostile), ArchiveFormat.Tar);
        var tgz = await RejectionOf(GZip(hostile), ArchiveFormat.TarGZip);

        (GC.GetTotalAllocatedBytes(precise: true) - before).ShouldBeLessThan(64L * MiB);
        tar.Reason.ShouldBe(ArchiveRejection.Corrupt);
        tar.Message.ShouldBe("the tar archive is corrupt or hostile: the header at byte 0 declares 1 GiB of metadata (the limit is 1 MiB)");
        tgz.Message.ShouldBe(tar.Message);
    }

    [Test]
    public async Task A_hostile_metadata_header_after_other_entries_is_found_where_their_data_ends()
    {
        var first = Tar(RegularFile("a.csv", Csv), RegularFile("b.bin", new byte[1000])).ToArray();
        var entries = first[..^1024]; // without the two end blocks
        byte[] hostile = [.. entries, .. RawTarHeader("PaxHeaders/x", 'x', 1L << 30), .. new byte[4096]];

        var error = await RejectionOf(new MemoryStream(hostile), ArchiveFormat.Tar);

        error.Message.ShouldBe($"the tar archive is corrupt or hostile: the header at byte {entries.Length} declares 1 GiB of metadata " +
                               "(the limit is 1 MiB)");
    }

    [TestCase('S', "the tar archive cannot be read: Entry type 'SparseFile' not supported.")]
    [TestCase('M', "entry \"disk.img\" is a tar entry of type MultiVolume, which is not supported")]
    [TestCase('N', "entry \"disk.img\" is a tar entry of type RenamedOrSymlinked, which is not supported")]
    public async Task A_tar_entry_that_cannot_be_read_faithfully_is_rejected_as_unsupported(char type, string reason)
    {
        var tar = RawTar(RawTarHeader("disk.img", type, 0, magic: "ustar  \0"), []);

        var error = await RejectionOf(new MemoryStream(tar), ArchiveFormat.Tar);

        error.Reason.ShouldBe(ArchiveRejection.Unsupported);
        error.Message.ShouldBe(reason);
    }

    [Test]
    public async Task A_truncated_zip_is_rejected()
    {
        var zip = Zip(("a.csv", Csv), ("b.csv", Csv));

        var error = await RejectionOf(Cut(zip, (int)zip.Length - 10), ArchiveFormat.Zip);

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldBe("the zip archive is corrupt or truncated: End of Central Directory record could not be found.");
    }

    [Test]
    public async Task A_zip_entry_shorter_than_its_header_says_is_rejected()
    {
        var zip = Zip(("a.bin", new byte[100_000])).ToArray();
        // Both headers claim 200 000 bytes; the deflate data holds 100 000.
        BinaryPrimitives.WriteInt32LittleEndian(zip.AsSpan(22), 200_000);
        BinaryPrimitives.WriteInt32LittleEndian(zip.AsSpan(zip.AsSpan().IndexOf("PK\u0001\u0002"u8) + 24), 200_000);

        var error = await RejectionOf(new MemoryStream(zip), ArchiveFormat.Zip);

        error.Message.ShouldBe("entry \"a.bin\" is corrupt or truncated: its header says 200000 bytes, it holds 100000");
    }

    [Test]
    public async Task A_zip_entry_whose_bytes_do_not_match_its_crc_is_rejected()
    {
        var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("stored.csv", CompressionLevel.NoCompression).Open();
            entry.Write(Csv);
        }

        var bytes = archive.ToArray();
        bytes[bytes.AsSpan().IndexOf(Csv)] ^= 0x01; // "id" becomes "hd": same length, no decompressor to notice

        var error = await RejectionOf(new MemoryStream(bytes), ArchiveFormat.Zip);

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldBe("entry \"stored.csv\" is corrupt: its CRC-32 does not match the content");
    }

    [Test]
    public async Task An_encrypted_zip_entry_is_rejected_as_unsupported()
    {
        var zip = Zip(("secret.csv", Csv)).ToArray();
        // General purpose bit 0 (encrypted) in the local and the central header.
        zip[6] |= 1;
        zip[zip.AsSpan().IndexOf("PK\u0001\u0002"u8) + 8] |= 1;

        var error = await RejectionOf(new MemoryStream(zip), ArchiveFormat.Zip);

        error.Reason.ShouldBe(ArchiveRejection.Unsupported);
        error.Message.ShouldBe("entry \"secret.csv\" is encrypted, which is not supported");
    }

    [Test]
    public async Task A_truncated_tar_gz_is_rejected()
    {
        var tgz = TarGZip(RegularFile("a.bin", Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray()));

        var error = await RejectionOf(Cut(tgz, (int)tgz.Length / 2), ArchiveFormat.TarGZip);

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldStartWith("the gzip data is truncated or corrupt: its trailer records");
    }

    [Test]
    public async Task A_truncated_gzip_is_rejected_though_the_decompressor_ends_quietly()
    {
        var gzip = GZip(Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251)).ToArray());

        var missingTrailer = await RejectionOf(Cut(gzip, (int)gzip.Length - 8), ArchiveFormat.GZip);
        var tooShort = await RejectionOf(Cut(gzip, 12), ArchiveFormat.GZip);

        missingTrailer.Reason.ShouldBe(ArchiveRejection.Corrupt);
        missingTrailer.Message.ShouldStartWith("the gzip data is truncated or corrupt: its trailer records");
        missingTrailer.Message.ShouldContain("but 100000 were decompressed");
        tooShort.Message.ShouldBe("the gzip data is truncated or corrupt: 12 bytes are too few for gzip");
    }

    [Test]
    public async Task A_gzip_whose_content_does_not_match_its_crc_is_rejected()
    {
        var gzip = GZip(Csv).ToArray();
        gzip[^8] ^= 0xFF; // the trailer's CRC-32: zlib checks it, with a message of its own

        var error = await RejectionOf(new MemoryStream(gzip), ArchiveFormat.GZip);

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldStartWith("entry \"upload\" is corrupt or truncated: ");
    }

    [Test]
    public async Task Garbage_named_as_a_tar_is_rejected()
    {
        var garbage = new MemoryStream(Enumerable.Range(0, 4096).Select(i => (byte)(i * 13 + 1)).ToArray());

        var error = await RejectionOf(garbage, ArchiveFormat.Tar);

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldStartWith("the tar archive is corrupt or truncated: ");
    }

    [Test]
    public void A_rejection_is_a_conversion_error_so_the_convert_step_fails_at_once()
    {
        new ArchiveRejectedException(ArchiveRejection.Corrupt, "x").ShouldBeAssignableTo<ConversionException>();
    }

    [Test]
    public void Limits_must_be_positive()
    {
        Should.NotThrow(() => ArchiveLimits.Default.Validate());
        Should.Throw<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxEntries = 0 }.Validate()).ParamName.ShouldBe("MaxEntries");
        Should.Throw<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxTotalBytes = 0 }.Validate()).ParamName.ShouldBe("MaxTotalBytes");
        Should.Throw<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxCompressionRatio = 0.5 }.Validate())
            .ParamName.ShouldBe("MaxCompressionRatio");
        Should.Throw<ArgumentOutOfRangeException>(() => new ArchiveLimits { MaxCompressionRatio = double.NaN }.Validate())
            .ParamName.ShouldBe("MaxCompressionRatio");
        Should.Throw<ArgumentOutOfRangeException>(() => new ArchiveLimits { RatioFloorBytes = -1 }.Validate()).ParamName.ShouldBe("RatioFloorBytes");
    }

    static async Task WriteZerosAsync(Stream destination, long length)
    {
        var zeros = new byte[MiB];
        for (var written = 0L; written < length; written += zeros.Length)
            await destination.WriteAsync(zeros);
    }

    /// <summary>Length zero bytes, produced as they are read; seekable, as TarWriter wants to know the length.</summary>
    sealed class ZeroStream(long length) : Stream
    {
        long _position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) =>
            _position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => length + offset };

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
