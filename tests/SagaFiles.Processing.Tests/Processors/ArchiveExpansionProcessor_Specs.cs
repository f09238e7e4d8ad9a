using System.IO.Compression;
using System.Text;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Processors;

public class ArchiveExpansionProcessor_Specs
{
    static readonly ArchiveExpansionProcessor Processor = new(new ArchiveExpansionOptions { MaxDepth = 3 });

    static async Task<(ProcessingOutcome Outcome, MemoryOutputs Outputs)> ProcessAsync(byte[] content, string name, int depth,
        ArchiveShare? share = null)
    {
        var outputs = new MemoryOutputs();
        await using var input = new MemoryStream(content);
        var outcome = await Processor.ProcessAsync(new ProcessingInput(input, name, FileTypeDetector.Detect(content, name), depth, share),
            outputs, CancellationToken.None);
        return (outcome, outputs);
    }

    static byte[] Zip(params (string Path, string Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, content) in entries)
            {
                using var stream = zip.CreateEntry(path).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }

        return buffer.ToArray();
    }

    [Test]
    public async Task Every_file_in_the_archive_becomes_a_child_with_its_path_and_bytes_and_no_result()
    {
        var (outcome, outputs) = await ProcessAsync(Zip(("a.csv", "x\n1\n"), ("dir/", ""), ("dir/b.txt", "hello")), "batch.zip", depth: 2);

        Processor.Name.ShouldBe("archive");
        outcome.ExpandsIntoChildren.ShouldBeTrue();
        outcome.Results.ShouldBeEmpty();
        outputs.Children.Select(c => (c.Path, Encoding.UTF8.GetString(c.Content))).ShouldBe([("a.csv", "x\n1\n"), ("dir/b.txt", "hello")]);
        outcome.UnusedArchiveShare.ShouldBe(new ArchiveShare(ArchiveLimits.Default.MaxTotalBytes - 9, ArchiveLimits.Default.MaxEntries - 2));
    }

    [Test]
    public async Task An_archive_inside_another_expands_only_within_its_share_of_the_outer_limits()
    {
        var content = Zip(("a.csv", new string('x', 100)));

        var error = await Should.ThrowAsync<ArchiveRejectedException>(() =>
            ProcessAsync(content, "inner.zip", depth: 1, new ArchiveShare(Bytes: 64, Entries: 10)));
        var (outcome, _) = await ProcessAsync(content, "inner.zip", depth: 1, new ArchiveShare(Bytes: 1_000, Entries: 10));

        error.Reason.ShouldBe(ArchiveRejection.TooLarge);
        error.Message.ShouldContain("expands beyond 64 B");
        outcome.UnusedArchiveShare.ShouldBe(new ArchiveShare(900, 9));
    }

    [Test]
    public async Task An_archive_nested_as_deep_as_the_limit_is_refused_before_it_is_read()
    {
        var error = await Should.ThrowAsync<ArchiveRejectedException>(() => ProcessAsync(Zip(("a.csv", "x\n1\n")), "inner.zip", depth: 3));

        error.Message.ShouldBe("The archive is inside 3 other archives; archives are unpacked 3 levels deep at most.");
    }

    [Test]
    public async Task A_zip_based_document_routed_here_by_hand_is_refused_as_not_an_archive()
    {
        var error = await Should.ThrowAsync<ArchiveRejectedException>(() => ProcessAsync(Zip(("word/document.xml", "<w/>")), "report.docx", depth: 0));

        error.Message.ShouldBe("zip content (.docx) is not an archive SagaFiles unpacks (zip, tar, tar.gz, gz).");
    }
}
