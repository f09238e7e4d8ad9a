using MassTransit;
using SagaFiles.Components.Consumers;
using NUnit.Framework;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;
using Shouldly;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.StateMachines;

/// <summary>The file saga on MassTransit's in-memory test harness: transitions, commands, faults, stale and duplicate answers.</summary>
public class FileStateMachine_Specs : FileSagaSpec
{
    [Test]
    public async Task An_uploaded_file_goes_through_every_step_to_completed()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        (await _saga.Exists(fileId, x => x.Downloading)).ShouldNotBeNull();
        var download = await Sent<DownloadFile>(fileId);
        download.Attempt.ShouldBe(1);
        download.SourceKey.ShouldBe($"uploads/{fileId}/data.csv");

        await _harness.Bus.Publish(new FileDownloaded
        {
            FileId = fileId, Attempt = 1, WorkerHost = "w1/1", Duration = TimeSpan.FromMilliseconds(12), StagingBucket = "staging",
            StagingKey = $"staging/{fileId}/original", Size = 42, DetectedType = "Csv", MediaType = "text/csv"
        });
        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();
        (await Sent<ComputeChecksum>(fileId)).Key.ShouldBe($"staging/{fileId}/original");

        await _harness.Bus.Publish(new ChecksumComputed
            { FileId = fileId, Attempt = 1, WorkerHost = "w2/1", Duration = TimeSpan.FromMilliseconds(3), Sha256 = "ab", Size = 42 });
        (await _saga.Exists(fileId, x => x.Converting)).ShouldNotBeNull();
        await Sent<ConvertFile>(fileId);

        var staged = new FileOutput
        {
            Bucket = "staging", Key = $"staging/{fileId}/result/data.parquet", Name = "data.parquet", Format = "parquet", Size = 20,
            Table = new TableShape { Rows = 3, RowGroups = 1, Columns = [new TableColumn("a", "int64"), new TableColumn("b", "string")] }
        };
        await _harness.Bus.Publish(new FileConverted
        {
            FileId = fileId, Attempt = 1, WorkerHost = "w1/1", Duration = TimeSpan.FromMilliseconds(30), Processor = "parquet",
            Outputs = [staged]
        });
        (await _saga.Exists(fileId, x => x.Uploading)).ShouldNotBeNull();
        var upload = await Sent<UploadFile>(fileId);
        upload.Sha256.ShouldBe("ab");
        var sent = upload.Outputs.ShouldHaveSingleItem();
        (sent.Key, sent.Size, sent.Table!.Rows).ShouldBe((staged.Key, 20, 3));
        sent.Table.Columns.ShouldBe(staged.Table.Columns);

        var published = staged with { Bucket = "processed", Key = $"processed/2026/11/23/{fileId}/data.parquet" };
        await _harness.Bus.Publish(new ResultUploaded
        {
            FileId = fileId, Attempt = 1, WorkerHost = "w2/1", Duration = TimeSpan.FromMilliseconds(5), Outputs = [published]
        });
        (await _saga.Exists(fileId, x => x.Completed)).ShouldNotBeNull();
        (await _harness.Published.Any<FileProcessingCompleted>(x => x.Context.Message.FileId == fileId)).ShouldBeTrue();

        var file = _saga.Sagas.Contains(fileId)!;
        file.History.Select(h => h.To).ShouldBe([_machine.Downloading.Name, _machine.Checksumming.Name, _machine.Converting.Name, _machine.Uploading.Name,
            FileStates.Completed]);
        file.History[1].WorkerHost.ShouldBe("w1/1");
        file.Steps.Select(s => (s.Step, s.Attempts)).ShouldBe([(FileSteps.Download, 1), (FileSteps.Checksum, 1), (FileSteps.Convert, 1), (FileSteps.Upload, 1)]);
        file.Steps.ShouldAllBe(s => s.CompletedAt != null && s.DurationMs != null);
        file.Outputs.ShouldHaveSingleItem().Key.ShouldBe($"processed/2026/11/23/{fileId}/data.parquet");
        file.Processor.ShouldBe("parquet");
        file.ProcessedAt.ShouldNotBeNull();
        file.StepTimeoutAt.ShouldBeNull("no attempt runs");

        await _harness.InactivityTask;
        await Advance(Settings.StepTimeout);
        _harness.Published.Select<StepTimedOut>(x => x.Context.Message.FileId == fileId).ShouldBeEmpty("no deadline, nothing to time out");
        _saga.Sagas.Contains(fileId)!.CurrentState.ShouldBe(FileStates.Completed);
    }

    [Test]
    public async Task A_file_the_download_read_whole_comes_with_its_checksum_and_goes_straight_to_converting()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1) with { WorkerHost = "w1/1", Sha256 = "cd" });
        (await _saga.Exists(fileId, x => x.Converting)).ShouldNotBeNull();
        (await Sent<ConvertFile>(fileId)).Attempt.ShouldBe(1);

        var staged = new FileOutput { Bucket = "staging", Key = $"staging/{fileId}/result/data.parquet", Name = "data.parquet", Format = "parquet", Size = 20 };
        await _harness.Bus.Publish(new FileConverted
            { FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Processor = "parquet", Outputs = [staged] });
        (await _saga.Exists(fileId, x => x.Uploading)).ShouldNotBeNull();
        (await Sent<UploadFile>(fileId)).Sha256.ShouldBe("cd");

        await _harness.InactivityTask;
        _harness.Sent.Select<ComputeChecksum>(x => x.Context.Message.FileId == fileId).ShouldBeEmpty();
        var file = _saga.Sagas.Contains(fileId)!;
        file.Sha256.ShouldBe("cd");
        file.History.Select(h => h.To).ShouldBe([_machine.Downloading.Name, _machine.Converting.Name, _machine.Uploading.Name]);
        var checksum = file.Steps.Single(s => s.Step == FileSteps.Checksum);
        (checksum.Attempts, checksum.WorkerHost, checksum.DurationMs).ShouldBe((0, "w1/1", 0d),
            "done by the download that read the file, with no attempt of its own");
        checksum.CompletedAt.ShouldNotBeNull();
        file.Steps.Select(s => s.Step).ShouldBe([FileSteps.Download, FileSteps.Checksum, FileSteps.Convert, FileSteps.Upload]);
    }

    [Test]
    public async Task Results_the_conversion_published_itself_complete_the_file_with_the_upload_step_done_by_the_conversion()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1) with { Sha256 = "cd" });
        var convert = await Sent<ConvertFile>(fileId);
        convert.Publication.ShouldBe(new ResultPublication { Sha256 = "cd", SourceKey = $"uploads/{fileId}/data.csv", ReceivedAt = _saga.Sagas.Contains(fileId)!.CreatedAt },
            "what the conversion needs to publish a small file's results");

        var published = new FileOutput { Bucket = "processed", Key = $"processed/2026/11/23/{fileId}/data.parquet", Name = "data.parquet", Format = "parquet", Size = 20 };
        await _harness.Bus.Publish(new FileConverted
        {
            FileId = fileId, Attempt = 1, WorkerHost = "w2/2", Duration = TimeSpan.Zero, Processor = "parquet", Outputs = [published], ResultsPublished = true
        });
        var file = await Settled(fileId, x => x.CurrentState == FileStates.Completed);

        file.Outputs.ShouldBe([published]);
        file.History.Select(h => h.To).ShouldBe([_machine.Downloading.Name, _machine.Converting.Name, FileStates.Completed]);
        var upload = file.Steps.Single(s => s.Step == FileSteps.Upload);
        (upload.Attempts, upload.WorkerHost, upload.DurationMs).ShouldBe((0, "w2/2", 0d), "done by the conversion, with no attempt of its own");
        upload.CompletedAt.ShouldNotBeNull();
        (await _harness.Published.Any<FileProcessingCompleted>(x => x.Context.Message.FileId == fileId)).ShouldBeTrue();
        _harness.Sent.Select<UploadFile>(x => x.Context.Message.FileId == fileId).ShouldBeEmpty();
    }

    [Test]
    public async Task A_small_file_its_download_converted_completes_with_the_convert_and_upload_steps_done_by_the_download()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId) with { Tags = new Dictionary<string, string> { ["route"] = "raw" } });
        var download = await Sent<DownloadFile>(fileId);
        // What the download needs to convert a small file and publish its results.
        download.ReceivedAt.ShouldBe(_saga.Sagas.Contains(fileId)!.CreatedAt);
        download.Tags.ShouldBe(new Dictionary<string, string> { ["route"] = "raw" });

        var published = new FileOutput { Bucket = "processed", Key = $"processed/2026/11/23/{fileId}/data.parquet", Name = "data.parquet", Format = "parquet", Size = 20 };
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1) with
        {
            Sha256 = "cd",
            Converted = new FileConverted
            {
                FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Processor = "parquet", Outputs = [published], ResultsPublished = true
            }
        });
        var file = await Settled(fileId, x => x.CurrentState == FileStates.Completed);

        file.Outputs.ShouldBe([published]);
        (file.Processor, file.Sha256).ShouldBe(("parquet", "cd"));
        file.History.Select(h => h.To).ShouldBe([_machine.Downloading.Name, FileStates.Completed]);
        file.Steps.Select(s => (s.Step, s.Attempts, s.WorkerHost)).ShouldBe([(FileSteps.Download, 1, "w"), (FileSteps.Checksum, 0, "w"),
            (FileSteps.Convert, 0, "w"), (FileSteps.Upload, 0, "w")], "done by the download, with no attempt of their own");
        file.Steps.ShouldAllBe(s => s.CompletedAt != null);
        (await _harness.Published.Any<FileProcessingCompleted>(x => x.Context.Message.FileId == fileId)).ShouldBeTrue();
        _harness.Sent.Select<ConvertFile>(x => x.Context.Message.FileId == fileId).ShouldBeEmpty();
        _harness.Sent.Select<UploadFile>(x => x.Context.Message.FileId == fileId).ShouldBeEmpty();
    }

    [Test]
    public async Task Results_listed_in_a_manifest_travel_by_reference_to_the_upload_the_record_and_the_completion()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();
        await _harness.Bus.Publish(new ChecksumComputed { FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Sha256 = "ab", Size = 42 });
        (await _saga.Exists(fileId, x => x.Converting)).ShouldNotBeNull();

        var staged = new OutputManifest { Bucket = "staging", Key = $"staging/{fileId}/outputs.json", Count = 600 };
        await _harness.Bus.Publish(new FileConverted
            { FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Processor = "parquet", Outputs = [], OutputManifest = staged });
        (await _saga.Exists(fileId, x => x.Uploading)).ShouldNotBeNull();
        var upload = await Sent<UploadFile>(fileId);
        (upload.Outputs.Count, upload.OutputManifest).ShouldBe((0, staged));

        var published = staged with { Bucket = "processed", Key = $"processed/2026/11/23/{fileId}.outputs.json" };
        await _harness.Bus.Publish(new ResultUploaded
            { FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Outputs = [], OutputManifest = published });
        var file = await Settled(fileId, x => x.CurrentState == FileStates.Completed);
        (file.Outputs.Count, file.OutputManifest).ShouldBe((0, published));
        _harness.Published.Select<FileProcessingCompleted>(x => x.Context.Message.FileId == fileId).ShouldHaveSingleItem()
            .Context.Message.OutputManifest.ShouldBe(published);
    }

    [Test]
    public async Task Progress_of_the_running_attempt_moves_its_deadline_on_and_an_attempt_that_stops_advancing_still_times_out()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        await Sent<ComputeChecksum>(fileId, 1);
        await _harness.InactivityTask;

        // Two thirds into the timeout the checksum reports progress; a stale report (another attempt) changes nothing.
        await Advance(Settings.StepTimeout * 2 / 3);
        await _harness.Bus.Publish(new StepProgressed { FileId = fileId, Attempt = 2, Step = FileSteps.Checksum, BytesDone = 9 });
        await _harness.Bus.Publish(new StepProgressed { FileId = fileId, Attempt = 1, Step = FileSteps.Checksum, BytesDone = 5, BytesTotal = 10 });
        var advancing = await Settled(fileId, x => x.Steps.Any(s => s.BytesDone == 5));
        advancing.Steps.Single(s => s.Step == FileSteps.Checksum).BytesTotal.ShouldBe(10);
        // A checksum reports no total of its own: it reads the whole file, so the total is the file's size.
        await _harness.Bus.Publish(new StepProgressed { FileId = fileId, Attempt = 1, Step = FileSteps.Checksum, BytesDone = 7 });
        var untotalled = await Settled(fileId, x => x.Steps.Any(s => s.BytesDone == 7));
        untotalled.Size.ShouldBeGreaterThan(0);
        untotalled.Steps.Single(s => s.Step == FileSteps.Checksum).BytesTotal.ShouldBe(untotalled.Size);
        // A report that arrives after a later one (the saga's queue does not keep their order) moves nothing back.
        await _harness.Bus.Publish(new StepProgressed { FileId = fileId, Attempt = 1, Step = FileSteps.Checksum, BytesDone = 6 });
        await Consumed<StepProgressed>(x => x.FileId == fileId && x.BytesDone == 6);
        _saga.Sagas.Contains(fileId)!.Steps.Single(s => s.Step == FileSteps.Checksum).BytesDone.ShouldBe(7);

        await Advance(Settings.StepTimeout * 2 / 3);
        (await Sent<ComputeChecksum>(fileId, 2, TimeSpan.FromMilliseconds(300)) == null).ShouldBeTrue("the report moved the deadline past the first timeout");
        await _harness.InactivityTask;

        await Advance(Settings.StepTimeout / 3);
        (await Sent<ComputeChecksum>(fileId, 2)).ShouldNotBeNull("no progress for a whole timeout: the attempt timed out");
    }

    [Test]
    public async Task A_timeout_reported_for_an_answered_attempt_or_before_the_deadline_changes_nothing_and_past_it_the_attempt_is_sent_again()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await Sent<DownloadFile>(fileId, 1);

        // The download answers two thirds into its timeout; a report of its timeout that crossed the answer changes nothing.
        await Advance(Settings.StepTimeout * 2 / 3);
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        await Sent<ComputeChecksum>(fileId, 1);
        await _harness.Bus.Publish(new StepTimedOut { FileId = fileId, Step = FileSteps.Download, Attempt = 1 });
        // Nor does one of the running checksum before its deadline (a sweeper whose clock runs ahead).
        await _harness.Bus.Publish(new StepTimedOut { FileId = fileId, Step = FileSteps.Checksum, Attempt = 1 });
        await Consumed<StepTimedOut>(x => x.FileId == fileId && x.Step == FileSteps.Checksum);
        (await Sent<ComputeChecksum>(fileId, 2, TimeSpan.FromMilliseconds(300)) == null).ShouldBeTrue("the checksum is within its timeout");
        var waiting = _saga.Sagas.Contains(fileId)!;
        (waiting.CurrentState, waiting.Attempt).ShouldBe((_machine.Checksumming.Name, 1));
        waiting.History.ShouldNotContain(h => h.Error != null);

        // Past the checksum's own deadline the sweep reports it: it times out and is sent again.
        await Advance(Settings.StepTimeout);
        (await Sent<ComputeChecksum>(fileId, 2)).ShouldNotBeNull("the checksum timed out at its own deadline and is sent again");
        _saga.Sagas.Contains(fileId)!.History.ShouldContain(h => h.Error != null && h.Error.Contains("No answer within"));
    }

    [Test]
    public async Task A_step_that_faults_with_a_permanent_error_fails_the_file_at_once_with_the_step_attempt_and_reason()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        var download = await Sent<DownloadFile>(fileId);

        await PublishFault(download, new InvalidFileException("The file is empty (0 bytes)."));

        (await _saga.Exists(fileId, x => x.Failed)).ShouldNotBeNull();
        var file = _saga.Sagas.Contains(fileId)!;
        file.ErrorMessage.ShouldBe("The file is empty (0 bytes).");
        file.CurrentStep.ShouldBe(FileSteps.Download);
        file.Attempt.ShouldBe(1);
        file.History.Last().Error.ShouldBe("The file is empty (0 bytes).");
        (await _harness.Published.Any<FileProcessingFailed>(x => x.Context.Message.FileId == fileId && x.Context.Message.Step == FileSteps.Download))
            .ShouldBeTrue();
        (await _harness.Sent.Any<PreserveFailedFile>(x => x.Context.Message.FileId == fileId && x.Context.Message.Tenant == "acme" &&
                x.Context.Message.SourceKey == $"uploads/{fileId}/data.csv"))
            .ShouldBeTrue("the original is kept for the operators");
    }

    [Test]
    public async Task An_answer_for_another_attempt_or_a_repeated_answer_changes_nothing()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await Sent<DownloadFile>(fileId);

        await _harness.Bus.Publish(Downloaded(fileId, attempt: 2));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();

        // The same completion redelivered after the file moved on: ignored, not faulted.
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        (await _harness.Consumed.Any<FileDownloaded>(x => x.Context.Message.FileId == fileId)).ShouldBeTrue();
        await _harness.InactivityTask;
        (await _harness.Published.Any<Fault<FileDownloaded>>()).ShouldBeFalse();
        _harness.Sent.Select<ComputeChecksum>(x => x.Context.Message.FileId == fileId).Count().ShouldBe(1);
        _saga.Sagas.Contains(fileId)!.History.Count.ShouldBe(2);
    }

    [Test]
    public async Task A_transient_fault_is_retried_after_a_doubling_backoff_until_the_attempts_run_out()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));

        for (var attempt = 1; attempt <= Settings.MaxAttempts; attempt++)
        {
            var download = (await Sent<DownloadFile>(fileId, attempt))!;
            await PublishFault(download, new IOException($"S3 said 503 on attempt {attempt}"));
            if (attempt == Settings.MaxAttempts)
                break;

            var file = await Settled(fileId, f => f.StepRetryAt != null && f.Attempt == attempt);
            file.CurrentState.ShouldBe(_machine.Downloading.Name);
            (file.StepRetryAt!.Value - file.UpdatedAt).ShouldBe(Settings.RetryDelay(attempt), TimeSpan.FromSeconds(1));
            await Scheduled<StepRetryDue>(x => x.FileId == fileId && x.Attempt == attempt);
            (await Sent<DownloadFile>(fileId, attempt + 1, TimeSpan.FromMilliseconds(300)) == null).ShouldBeTrue("not before the backoff");
            await Advance(Settings.RetryDelay(attempt));
        }

        (await _saga.Exists(fileId, x => x.Failed)).ShouldNotBeNull();
        var failed = _saga.Sagas.Contains(fileId)!;
        failed.Attempt.ShouldBe(3);
        failed.ErrorMessage.ShouldBe("S3 said 503 on attempt 3");
        failed.History.Count(h => h.Error?.Contains("retrying") == true).ShouldBe(2, "the history shows both retries");
    }

    [Test]
    public async Task A_step_that_does_not_answer_in_time_is_sent_again_and_whichever_attempt_answers_first_moves_it_on()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await Sent<DownloadFile>(fileId, 1);

        await Advance(Settings.StepTimeout);
        await Sent<DownloadFile>(fileId, 2);
        _saga.Sagas.Contains(fileId)!.History.ShouldContain(h => h.Error != null && h.Error.Contains("No answer within"));

        // The first attempt answers late (it waited behind a long queue): the same work, so the file moves on; the second
        // attempt's answer then changes nothing.
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 2));
        await _harness.InactivityTask;
        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();
        _harness.Sent.Select<ComputeChecksum>(x => x.Context.Message.FileId == fileId).Count().ShouldBe(1);
    }

    [Test]
    public async Task A_failed_file_retried_by_a_user_resumes_from_the_step_that_failed()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await _harness.Bus.Publish(Downloaded(fileId, attempt: 1));
        var checksum = (await Sent<ComputeChecksum>(fileId, 1))!;
        await PublishFault(checksum, new InvalidFileException("Unreadable."));
        (await _saga.Exists(fileId, x => x.Failed)).ShouldNotBeNull();

        await _harness.Bus.Publish(new FileRetryRequested { FileId = fileId, RequestedAt = DateTimeOffset.UtcNow });

        (await _saga.Exists(fileId, x => x.Checksumming)).ShouldNotBeNull();
        var resumed = (await Sent<ComputeChecksum>(fileId, 2))!;
        resumed.Key.ShouldBe($"staging/{fileId}/original");
        var file = _saga.Sagas.Contains(fileId)!;
        file.ErrorMessage.ShouldBeNull();
        file.CountedAttempts.ShouldBe(1, "a manual retry starts a fresh attempt budget");
        _harness.Sent.Select<DownloadFile>(x => x.Context.Message.FileId == fileId).Count().ShouldBe(1, "earlier steps are not repeated");
    }
}
