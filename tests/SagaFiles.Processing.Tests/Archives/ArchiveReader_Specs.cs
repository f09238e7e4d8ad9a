using System.Formats.Tar;
using System.IO.Compression;
using SagaFiles.Processing.Archives;
using static SagaFiles.Processing.Tests.Archives.TestArchives;

namespace SagaFiles.Processing.Tests.Archives;

public class ArchiveReader_Specs
{
    static readonly byte[] Csv = Utf8("id,name\n1,Ada\n2,Grace\n");
    static readonly byte[] Json = Utf8("{\"a\": [1, 2, 3]}");
    static readonly byte[] Binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();

    static IEnumerable<TestCaseData> EveryFormatWithNestedPaths()
    {
        yield return new TestCaseData(ArchiveFormat.Zip, (Func<MemoryStream>)(() =>
            Zip(("data.csv", Csv), ("nested/deeper/config.json", Json), ("nested/blob.bin", Binary)))).SetArgDisplayNames("zip");
        yield return new TestCaseData(ArchiveFormat.Tar, (Func<MemoryStream>)(() =>
            Tar(RegularFile("data.csv", Csv), RegularFile("nested/deeper/config.json", Json), RegularFile("nested/blob.bin", Binary))))
            .SetArgDisplayNames("tar");
        yield return new TestCaseData(ArchiveFormat.TarGZip, (Func<MemoryStream>)(() =>
            TarGZip(RegularFile("data.csv", Csv), RegularFile("nested/deeper/config.json", Json), RegularFile("nested/blob.bin", Binary))))
            .SetArgDisplayNames("tar.gz");
    }

    [TestCaseSource(nameof(EveryFormatWithNestedPaths))]
    public async Task Every_file_is_read_with_its_path_name_and_bytes(ArchiveFormat format, Func<MemoryStream> build)
    {
        var entries = await ReadAllAsync(build(), format);

        entries.Select(e => (e.Index, e.Path, e.Name)).ShouldBe([
            (0, "data.csv", "data.csv"), (1, "nested/deeper/config.json", "config.json"), (2, "nested/blob.bin", "blob.bin")
        ]);
        entries.Select(e => e.Content).ShouldBe([Hex(Csv), Hex(Json), Hex(Binary)]);
        entries.Select(e => e.DeclaredLength).ShouldBe([Csv.Length, Json.Length, Binary.Length]);
    }

    [TestCase(ArchiveFormat.Zip)]
    [TestCase(ArchiveFormat.Tar)]
    [TestCase(ArchiveFormat.TarGZip)]
    public async Task An_empty_archive_has_no_entries(ArchiveFormat format)
    {
        var archive = format == ArchiveFormat.Zip ? Zip() : format == ArchiveFormat.Tar ? Tar() : TarGZip();

        (await ReadAllAsync(archive, format)).ShouldBeEmpty();
    }

    [Test]
    public async Task Directories_are_skipped_and_dot_segments_dropped()
    {
        var zip = Zip(("reports/", []), ("./reports//2026/./q1.csv", Csv), (@"win\style\path.txt", Json));
        var tar = Tar(Entry(TarEntryType.Directory, "./"), Entry(TarEntryType.Directory, "reports/"), RegularFile("./reports/q1.csv", Csv));

        (await ReadAllAsync(zip, ArchiveFormat.Zip)).Select(e => (e.Index, e.Path, e.Name))
            .ShouldBe([(0, "reports/2026/q1.csv", "q1.csv"), (1, "win/style/path.txt", "path.txt")]);
        (await ReadAllAsync(tar, ArchiveFormat.Tar)).Select(e => (e.Index, e.Path, e.Content))
            .ShouldBe([(0, "reports/q1.csv", Hex(Csv))]);
    }

    [Test]
    public async Task Long_tar_names_in_pax_and_gnu_headers_are_read_whole()
    {
        var longPath = string.Join('/', Enumerable.Repeat("a-rather-long-folder-name", 8)) + "/data.csv";
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Gnu, leaveOpen: true))
        {
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, longPath) { DataStream = new MemoryStream(Csv) });
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "pax/" + longPath) { DataStream = new MemoryStream(Json) });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "short.bin") { DataStream = new MemoryStream(Binary) });
        }

        stream.Position = 0;
        var entries = await ReadAllAsync(stream, ArchiveFormat.Tar);

        entries.Select(e => (e.Path, e.Content)).ShouldBe([(longPath, Hex(Csv)), ("pax/" + longPath, Hex(Json)), ("short.bin", Hex(Binary))]);
    }

    [Test]
    public async Task Tar_links_devices_and_fifos_are_skipped_never_followed()
    {
        var tar = Tar(
            RegularFile("real.csv", Csv),
            Entry(TarEntryType.SymbolicLink, "passwd", linkName: "/etc/passwd"),
            Entry(TarEntryType.HardLink, "again.csv", linkName: "real.csv"),
            Entry(TarEntryType.CharacterDevice, "null"),
            Entry(TarEntryType.Fifo, "pipe"),
            RegularFile("last.json", Json));

        var entries = await ReadAllAsync(tar, ArchiveFormat.Tar);

        entries.Select(e => (e.Index, e.Path, e.Content)).ShouldBe([(0, "real.csv", Hex(Csv)), (1, "last.json", Hex(Json))]);
    }

    [Test]
    public async Task What_macOS_adds_to_its_archives_is_skipped()
    {
        byte[] appleDouble = [0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00, .. new byte[74]];
        // Finder's "Compress": attributes as AppleDouble files under __MACOSX/, and the folder's .DS_Store.
        MemoryStream Finder() => Zip(("report/", []), ("report/q1.csv", Csv), ("report/.DS_Store", Binary),
            ("__MACOSX/", []), ("__MACOSX/report/", []), ("__MACOSX/report/._q1.csv", appleDouble), ("report/notes.json", Json));
        // macOS's tar: the AppleDouble file beside the file it describes.
        var tar = TarGZip(RegularFile("./._q1.csv", appleDouble), RegularFile("./q1.csv", Csv));

        (await ReadAllAsync(Finder(), ArchiveFormat.Zip)).Select(e => (e.Index, e.Path, e.Content))
            .ShouldBe([(0, "report/q1.csv", Hex(Csv)), (1, "report/notes.json", Hex(Json))]);
        // The count the entries' progress is reported against leaves them out as well.
        await foreach (var entry in ArchiveReader.ReadEntriesAsync(Finder(), ArchiveFormat.Zip, "report.zip", ArchiveLimits.Default))
            entry.Listed.ShouldBe(2);
        (await ReadAllAsync(tar, ArchiveFormat.TarGZip)).Select(e => (e.Index, e.Path, e.Content)).ShouldBe([(0, "q1.csv", Hex(Csv))]);
    }

    [Test]
    public async Task A_zip_symlink_is_skipped()
    {
        var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            var link = zip.CreateEntry("shadow");
            link.ExternalAttributes = unchecked((int)0xA1FF0000); // S_IFLNK | 0777, as Info-ZIP stores it
            using (var target = link.Open())
                target.Write(Utf8("/etc/shadow"));
            using var file = zip.CreateEntry("kept.csv").Open();
            file.Write(Csv);
        }

        archive.Position = 0;
        (await ReadAllAsync(archive, ArchiveFormat.Zip)).Select(e => (e.Path, e.Content)).ShouldBe([("kept.csv", Hex(Csv))]);
    }

    [Test]
    public async Task An_empty_file_in_gzip_is_one_empty_entry()
    {
        var entries = await ReadAllAsync(GZip([]), ArchiveFormat.GZip, "empty.txt.gz");

        entries.Select(e => (e.Path, e.Content)).ShouldBe([("empty.txt", "")]);
    }

    [Test]
    public async Task A_single_file_gzip_is_named_by_its_header()
    {
        var entries = await ReadAllAsync(GZip(Csv, storedName: "export-2026.csv"), ArchiveFormat.GZip, "whatever.gz");

        entries.Select(e => (e.Index, e.Path, e.Name, e.Content, e.DeclaredLength))
            .ShouldBe([(0, "export-2026.csv", "export-2026.csv", Hex(Csv), (long?)null)]);
    }

    [TestCase("data.csv.gz", "data.csv")]
    [TestCase("DATA.CSV.GZ", "DATA.CSV")]
    [TestCase("bundle.tgz", "bundle.tar")]
    [TestCase("../up/notes.gz", "notes")]
    [TestCase("no-extension", "no-extension")]
    public async Task A_single_file_gzip_without_a_stored_name_takes_the_archive_name_minus_gz(string archiveName, string expected)
    {
        var entries = await ReadAllAsync(GZip(Csv), ArchiveFormat.GZip, archiveName);

        entries.Select(e => (e.Path, e.Name, e.Content)).ShouldBe([(expected, expected, Hex(Csv))]);
    }

    [Test]
    public async Task Content_is_valid_until_the_next_entry_and_unread_content_is_skipped()
    {
        var archive = TarGZip(RegularFile("skipped.bin", Binary), RegularFile("half.bin", Binary), RegularFile("read.csv", Csv));
        var seen = new List<(string, string)>();

        await foreach (var entry in ArchiveReader.ReadEntriesAsync(archive, ArchiveFormat.TarGZip, "a.tgz", ArchiveLimits.Default))
        {
            if (entry.Name == "half.bin")
            {
                var half = new byte[Binary.Length / 2];
                await entry.Content.ReadExactlyAsync(half);
                seen.Add((entry.Path, Hex(half)));
            }
            else if (entry.Name == "read.csv")
            {
                using var content = new MemoryStream();
                await entry.Content.CopyToAsync(content);
                seen.Add((entry.Path, Hex(content.ToArray())));
            }
        }

        seen.ShouldBe([("half.bin", Hex(Binary[..(Binary.Length / 2)])), ("read.csv", Hex(Csv))]);
    }

    [Test]
    public async Task A_truncated_entry_reads_up_to_its_declared_length_then_fails_naming_it()
    {
        var tar = Tar(RegularFile("big.bin", Binary));
        var cut = Cut(tar, 1024 + 40_000); // PAX header, entry header, then part of the data

        await using var entries = ArchiveReader.ReadEntriesAsync(cut, ArchiveFormat.Tar, "t.tar", ArchiveLimits.Default).GetAsyncEnumerator();
        (await entries.MoveNextAsync()).ShouldBeTrue();
        var error = await Should.ThrowAsync<ArchiveRejectedException>(() => entries.Current.Content.CopyToAsync(Stream.Null));

        error.Reason.ShouldBe(ArchiveRejection.Corrupt);
        error.Message.ShouldStartWith("entry \"big.bin\" is corrupt or truncated");
    }
}
