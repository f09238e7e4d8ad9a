using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Tests.Support;
using Shouldly;
using SagaFiles.Components.Steps;
using SagaFiles.Processing.Detection;
using SagaFiles.Contracts;
using SagaFiles.Storage;

namespace SagaFiles.Components.Tests.Consumers;

public class DownloadFileConsumer_Specs : StepSpec
{
    [Test]
    public async Task An_upload_is_copied_into_staging_and_its_type_detected()
    {
        var content = Csv(rows: 20);
        var command = await UploadAsync(Guid.NewGuid(), "orders.csv", content, "text/plain");

        var downloaded = await DownloadAsync(command with { Attempt = 2 });

        downloaded.Attempt.ShouldBe(2);
        downloaded.WorkerHost.ShouldBe($"{Environment.MachineName}/{Environment.ProcessId}");
        downloaded.Duration.ShouldBeGreaterThan(TimeSpan.Zero);
        downloaded.StagingBucket.ShouldBe(Storage.Options.StagingBucket);
        downloaded.StagingKey.ShouldBe($"{Tenant}/staging/{command.FileId}/original");
        downloaded.Size.ShouldBe(content.Length);
        downloaded.DetectedType.ShouldBe("csv");
        downloaded.MediaType.ShouldBe("text/csv");
        downloaded.Sha256.ShouldBe(Sha256Hex(content), "the first read held the whole file");
        (await Storage.ReadAllAsync(downloaded.StagingBucket, downloaded.StagingKey)).ShouldBe(content);
        (await Storage.KeysAsync(Storage.Options.IncomingBucket, command.SourceKey)).ShouldBe([command.SourceKey]);
    }

    [TestCase(FileTypeDetector.PrefixLength - 1, true)]
    [TestCase(FileTypeDetector.PrefixLength, true)]
    [TestCase(FileTypeDetector.PrefixLength + 1, false)]
    public async Task Only_a_file_the_first_read_holds_whole_is_hashed_by_the_download(int length, bool hashed)
    {
        var content = Png(length);
        var downloaded = await DownloadAsync(await UploadAsync(Guid.NewGuid(), "photo.png", content));

        downloaded.Sha256.ShouldBe(hashed ? Sha256Hex(content) : null, "a longer file is left to the checksum step, which reads it all");
        downloaded.Size.ShouldBe(length);
    }

    [Test]
    public async Task A_source_replaced_between_the_read_and_the_copy_is_described_as_it_was_staged()
    {
        var (before, after) = (Csv(rows: 2), Csv(rows: 3));
        var command = await UploadAsync(Guid.NewGuid(), "changing.csv", before, "text/csv");
        await using var steps = await StepHarness.StartAsync(Storage, new ReplacedBeforeCopy(Storage.Store, after));

        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, command);

        (downloaded.Size, downloaded.Sha256).ShouldBe((after.Length, Sha256Hex(after)), "the staged bytes, not those read before the copy");
        (await Storage.ReadAllAsync(downloaded.StagingBucket, downloaded.StagingKey)).ShouldBe(after);
    }

    [Test]
    public async Task Downloading_twice_leaves_one_staged_copy()
    {
        var content = Png(70_000);
        var command = await UploadAsync(Guid.NewGuid(), "photo", content);

        var first = await DownloadAsync(command);
        var second = await DownloadAsync(command with { Attempt = 2 });

        second.ShouldBe(first with { Attempt = 2, Duration = second.Duration });
        first.DetectedType.ShouldBe("png");
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{command.FileId}/")).ShouldBe([first.StagingKey]);
        (await Storage.ReadAllAsync(first.StagingBucket, first.StagingKey)).ShouldBe(content);
    }

    [Test]
    public async Task A_small_file_is_converted_by_its_download_and_its_result_published_with_the_upload_steps_metadata_and_nothing_staged()
    {
        var content = Csv(rows: 3);
        var command = await UploadAsync(Guid.NewGuid(), "small.csv", content) with { ReceivedAt = ReceivedAt };

        var downloaded = await DownloadAsync(command);

        downloaded.Sha256.ShouldBe(Sha256Hex(content));
        (downloaded.StagingBucket, downloaded.StagingKey).ShouldBe((command.SourceBucket, command.SourceKey), "nothing was staged: the original stays where it was uploaded");
        var converted = downloaded.Converted.ShouldNotBeNull();
        (converted.FileId, converted.Attempt, converted.WorkerHost, converted.Processor, converted.ResultsPublished)
            .ShouldBe((command.FileId, 1, downloaded.WorkerHost, "parquet", true));
        var result = converted.Outputs.ShouldHaveSingleItem();
        // Received 2026-03-09 23:30 at UTC-2: 2026-03-10 in UTC, as the upload step dates it.
        (result.Bucket, result.Key).ShouldBe((Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{command.FileId}/small.parquet"));
        result.Table.ShouldNotBeNull().Rows.ShouldBe(3);
        (await Storage.Store.HeadAsync(result.Bucket, result.Key)).ShouldNotBeNull().Metadata.ShouldBe(new Dictionary<string, string>
        {
            ["sha256"] = Sha256Hex(content), ["source-key"] = command.SourceKey, ["row-count"] = "3", ["format"] = "parquet"
        }, ignoreOrder: true);
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{command.FileId}/")).ShouldBeEmpty();
        (await Storage.KeysAsync(Storage.Options.IncomingBucket, command.SourceKey)).ShouldBe([command.SourceKey]);
    }

    [Test]
    public async Task A_small_file_passed_through_by_its_download_is_published_as_a_copy_of_its_upload()
    {
        var content = "just some notes\n"u8.ToArray();
        var command = await UploadAsync(Guid.NewGuid(), "notes.txt", content, "text/plain") with { ReceivedAt = ReceivedAt };

        var converted = (await DownloadAsync(command)).Converted.ShouldNotBeNull();

        converted.Processor.ShouldBe("pass-through");
        var result = converted.Outputs.ShouldHaveSingleItem();
        (result.Bucket, result.Key).ShouldBe((Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{command.FileId}/notes.txt"));
        (await Storage.ReadAllAsync(result.Bucket, result.Key)).ShouldBe(content);
        (await Storage.Store.HeadAsync(result.Bucket, result.Key)).ShouldNotBeNull().Metadata["format"].ShouldBe("original");
    }

    [Test]
    public async Task Downloading_a_small_file_twice_publishes_the_same_result_once()
    {
        var command = await UploadAsync(Guid.NewGuid(), "twice.csv", Csv(rows: 2)) with { ReceivedAt = ReceivedAt };

        var first = (await DownloadAsync(command)).Converted.ShouldNotBeNull();
        var second = (await DownloadAsync(command with { Attempt = 2 })).Converted.ShouldNotBeNull();

        second.Outputs.Select(o => (o.Key, o.Size)).ShouldBe(first.Outputs.Select(o => (o.Key, o.Size)));
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{command.FileId}/")).ShouldBe([first.Outputs[0].Key]);
    }

    [Test]
    public async Task A_small_archive_is_staged_for_the_convert_step_which_expands_it()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        await using (var entry = archive.CreateEntry("inside.csv").Open())
            await entry.WriteAsync(Csv(rows: 2));
        var command = await UploadAsync(Guid.NewGuid(), "small.zip", zip.ToArray()) with { ReceivedAt = ReceivedAt };

        var downloaded = await DownloadAsync(command);

        downloaded.Converted.ShouldBeNull();
        (downloaded.DetectedType, downloaded.Sha256).ShouldBe(("zip", Sha256Hex(zip.ToArray())));
        downloaded.StagingKey.ShouldBe($"{Tenant}/staging/{command.FileId}/original");
        (await Storage.ReadAllAsync(downloaded.StagingBucket, downloaded.StagingKey)).ShouldBe(zip.ToArray());
        (await Storage.KeysAsync(Storage.Options.IncomingBucket, $"{Tenant}/archives/{command.FileId}/")).ShouldBeEmpty("nothing expanded yet");
    }

    [Test]
    public async Task A_small_file_its_conversion_refuses_is_staged_for_the_convert_step_which_fails_it_with_its_reason()
    {
        var command = await UploadAsync(Guid.NewGuid(), "ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n"u8.ToArray()) with { ReceivedAt = ReceivedAt };

        var downloaded = await DownloadAsync(command);

        downloaded.Converted.ShouldBeNull();
        downloaded.StagingKey.ShouldBe($"{Tenant}/staging/{command.FileId}/original");
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{command.FileId}/")).ShouldBeEmpty();
        var fault = await Steps.FaultAsync(FileSteps.Convert, ConvertCommand(downloaded, "ragged.csv") with
        {
            Publication = new ResultPublication { Sha256 = downloaded.Sha256!, SourceKey = command.SourceKey, ReceivedAt = ReceivedAt }
        });
        fault.Exceptions.ShouldHaveSingleItem().Message.ShouldBe("Line 4: expected 3 fields as in the first row, found 4 (a ragged row).");
    }

    [Test]
    public async Task A_small_file_whose_answer_would_be_too_large_for_a_message_is_staged_for_the_convert_step()
    {
        await using var steps = await StepHarness.StartAsync(Storage, settings: new Dictionary<string, string?>
        {
            ["Processing:Limits:MaxMessageBytes"] = "200", ["Processing:Limits:MaxInlineOutputsBytes"] = "100"
        });
        var command = await UploadAsync(Guid.NewGuid(), "wide.csv", Csv(rows: 2)) with { ReceivedAt = ReceivedAt };

        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, command);

        downloaded.Converted.ShouldBeNull("the convert step fails it, naming the limit");
        downloaded.StagingKey.ShouldBe($"{Tenant}/staging/{command.FileId}/original");
    }

    [Test]
    public async Task An_empty_file_faults_at_once_with_a_clear_reason_and_stages_nothing()
    {
        var command = await UploadAsync(Guid.NewGuid(), "empty.csv", []);

        var fault = await Steps.FaultAsync(FileSteps.Download, command);

        var exception = fault.Exceptions.ShouldHaveSingleItem();
        exception.ExceptionType.ShouldBe(typeof(InvalidFileException).FullName);
        exception.Message.ShouldBe("The file is empty (0 bytes).");
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{command.FileId}/")).ShouldBeEmpty();
    }

    [Test]
    public async Task An_upload_that_is_gone_faults_with_a_reason_the_user_can_act_on()
    {
        var command = await UploadAsync(Guid.NewGuid(), "gone.csv", Csv(2));
        await Storage.Store.DeletePrefixAsync(command.SourceBucket, command.SourceKey);

        var fault = await Steps.FaultAsync(FileSteps.Download, command);

        fault.Exceptions.ShouldHaveSingleItem().Message.ShouldBe("The uploaded file is no longer in storage: upload it again.");
    }

    [Test]
    public async Task A_file_over_the_size_limit_is_refused()
    {
        // Storage:MaxFileBytes, the largest file by any door (5 GiB by default), lowered for the test.
        var limit = Storage.Options.MaxFileBytes;
        Storage.Options.MaxFileBytes = 1024 * 1024;
        try
        {
            var command = await UploadAsync(Guid.NewGuid(), "big.bin", new byte[1024 * 1024 + 1]);

            var fault = await Steps.FaultAsync(FileSteps.Download, command);

            fault.Exceptions.ShouldHaveSingleItem().Message.ShouldBe("The file is 1,048,577 bytes; files of at most 1,048,576 bytes are accepted.");
        }
        finally
        {
            Storage.Options.MaxFileBytes = limit;
        }
    }

    /// <summary>Writes new content over the source just before it is copied, as a user replacing a watched object would.</summary>
    sealed class ReplacedBeforeCopy(IObjectStore inner, byte[] replacement) : DelegatingObjectStore(inner)
    {
        public override async Task<ObjectInfo> CopyAsync(ObjectLocation source, ObjectLocation destination,
            IReadOnlyDictionary<string, string>? metadata = null, ObjectInfo? sourceInfo = null, CancellationToken cancellationToken = default)
        {
            await Inner.PutAsync(source.Bucket, source.Key, new MemoryStream(replacement), "text/csv", cancellationToken: cancellationToken);
            return await Inner.CopyAsync(source, destination, metadata, sourceInfo, cancellationToken);
        }
    }
}
