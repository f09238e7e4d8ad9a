using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Detection;
using static SagaFiles.Processing.Tests.Archives.TestArchives;

namespace SagaFiles.Processing.Tests.Archives;

public class ArchiveFormatDetector_Specs
{
    static readonly byte[] Csv = Utf8("id,name\n1,Ada\n2,Grace\n");

    static async Task<ArchiveFormat?> DetectAsync(MemoryStream file, string name)
    {
        var type = await FileTypeDetector.DetectAsync(file, name);
        var format = await ArchiveFormatDetector.DetectAsync(file, type);
        file.Position.ShouldBe(0);
        return format;
    }

    [Test]
    public async Task Each_archive_format_is_told_from_its_content()
    {
        (await DetectAsync(Zip(("a.csv", Csv)), "a.zip")).ShouldBe(ArchiveFormat.Zip);
        (await DetectAsync(Tar(RegularFile("a.csv", Csv)), "a.tar")).ShouldBe(ArchiveFormat.Tar);
        (await DetectAsync(TarGZip(RegularFile("a.csv", Csv)), "a.tar.gz")).ShouldBe(ArchiveFormat.TarGZip);
        (await DetectAsync(GZip(Csv), "a.csv.gz")).ShouldBe(ArchiveFormat.GZip);
    }

    [Test]
    public async Task A_tar_inside_gzip_is_found_whatever_the_name()
    {
        (await DetectAsync(TarGZip(RegularFile("a.csv", Csv)), "a.gz")).ShouldBe(ArchiveFormat.TarGZip);
        (await DetectAsync(GZip(Csv), "misleading.tgz")).ShouldBe(ArchiveFormat.GZip);
    }

    [Test]
    public async Task A_gzipped_v7_tar_without_the_ustar_magic_is_found_by_its_checksum()
    {
        (await DetectAsync(GZip(V7Tar("old.csv", Csv)), "old.gz")).ShouldBe(ArchiveFormat.TarGZip);
        (await DetectAsync(new MemoryStream(V7Tar("old.csv", Csv)), "old.tar")).ShouldBe(ArchiveFormat.Tar);
    }

    [Test]
    public async Task A_v7_tar_is_read_like_any_other()
    {
        var entries = await ReadAllAsync(new MemoryStream(V7Tar("old.csv", Csv)), ArchiveFormat.Tar);

        entries.Select(e => (e.Path, e.Content)).ShouldBe([("old.csv", Hex(Csv))]);
    }

    [Test]
    public async Task An_empty_tar_gz_is_a_tar_only_when_its_name_says_so()
    {
        (await DetectAsync(TarGZip(), "empty.tar.gz")).ShouldBe(ArchiveFormat.TarGZip);
        (await DetectAsync(TarGZip(), "empty.tgz")).ShouldBe(ArchiveFormat.TarGZip);
        (await DetectAsync(TarGZip(), "zeros.bin.gz")).ShouldBe(ArchiveFormat.GZip);
    }

    [Test]
    public async Task Zip_based_documents_and_non_archives_are_not_unpacked()
    {
        (await DetectAsync(Zip(("word/document.xml", Csv)), "Report.docx")).ShouldBeNull();
        (await DetectAsync(Zip(("META-INF/MANIFEST.MF", Csv)), "app.jar")).ShouldBeNull();
        (await DetectAsync(new MemoryStream(Csv), "a.csv")).ShouldBeNull();
        (await DetectAsync(new MemoryStream(Enumerable.Range(0, 2048).Select(i => (byte)(i * 13 + 1)).ToArray()), "x.bin"))
            .ShouldBeNull();
    }

    [Test]
    public async Task A_damaged_gzip_is_left_to_the_reader_to_report()
    {
        var damaged = new MemoryStream([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0]);

        (await DetectAsync(damaged, "d.gz")).ShouldBe(ArchiveFormat.GZip);
        var error = await RejectionOf(damaged, ArchiveFormat.GZip);
        error.Message.ShouldStartWith("entry \"upload\" is corrupt or truncated: ");
    }

    /// <summary>A pre-POSIX tar: no magic, only the header checksum says it is one.</summary>
    static byte[] V7Tar(string name, byte[] content) => RawTar(RawTarHeader(name, '0', content.Length, magic: null), content);
}
