using NUnit.Framework;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;
using Shouldly;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.StateMachines;

/// <summary>
/// An archive's saga waits for its children: each child reports how it ended (counted apart from the archive, see
/// ArchiveProgress_Specs), and the archive hears once that all have finished.
/// </summary>
public class ArchiveSaga_Specs : FileSagaSpec
{
    [Test]
    public async Task An_archive_tells_how_many_children_it_expanded_into_waits_for_them_and_completes_with_the_counts()
    {
        var archiveId = await ConvertedArchiveAsync(children: 3);
        (await _saga.Exists(archiveId, x => x.AwaitingChildren)).ShouldNotBeNull();
        _harness.Sent.Select<UploadFile>(x => x.Context.Message.FileId == archiveId).ShouldBeEmpty("an archive publishes no result of its own");
        (await _harness.Published.Any<ArchiveExpanded>(x => x.Context.Message.FileId == archiveId && x.Context.Message.ChildCount == 3))
            .ShouldBeTrue("the archive's children are counted against 3");

        await _harness.Bus.Publish(AllFinished(archiveId, completed: 2, failed: 1));

        var archive = await Settled(archiveId, f => f.CurrentState == FileStates.Completed);
        (archive.ChildCount, archive.ChildrenCompleted, archive.ChildrenFailed).ShouldBe((3, 2, 1));
        archive.Outputs.ShouldBeEmpty();
        archive.History.Select(h => h.To).ShouldBe([_machine.Downloading.Name, _machine.Checksumming.Name, _machine.Converting.Name, FileStates.AwaitingChildren,
            FileStates.Completed]);
        (await _harness.Published.Any<FileProcessingCompleted>(x => x.Context.Message.FileId == archiveId)).ShouldBeTrue();
    }

    [Test]
    public async Task An_archive_whose_failed_children_pass_the_tolerance_fails_and_completes_once_retried_children_bring_it_within()
    {
        var archiveId = await ConvertedArchiveAsync(children: 4);
        await _harness.Bus.Publish(AllFinished(archiveId, completed: 3, failed: 1) with { WithinTolerance = false, ToleratedFailurePercent = 10 });

        var failed = await Settled(archiveId, f => f.CurrentState == FileStates.Failed);
        failed.ErrorMessage.ShouldBe("1 of the archive's 4 files failed (25%), more than the 10% tolerated (Processing:Archives:ToleratedFailurePercent); "
            + "retrying the archive retries them.");
        (failed.ChildrenCompleted, failed.ChildrenFailed).ShouldBe((3, 1));
        (await _harness.Published.Any<FileProcessingFailed>(x => x.Context.Message.FileId == archiveId)).ShouldBeTrue();

        // The failed child was retried and completed: the new counts are within the tolerance.
        await _harness.Bus.Publish(AllFinished(archiveId, completed: 4, failed: 0));

        var archive = await Settled(archiveId, f => f.CurrentState == FileStates.Completed);
        (archive.ChildrenCompleted, archive.ChildrenFailed, archive.ErrorMessage).ShouldBe((4, 0, null));
        archive.History.Select(h => h.To).TakeLast(3).ShouldBe([FileStates.AwaitingChildren, FileStates.Failed, FileStates.Completed]);
        (await _harness.Published.Any<FileProcessingCompleted>(x => x.Context.Message.FileId == archiveId)).ShouldBeTrue();
    }

    [Test]
    public async Task An_empty_archive_completes_as_soon_as_it_is_expanded()
    {
        var archiveId = await ConvertedArchiveAsync(children: 0);

        (await Settled(archiveId, f => f.CurrentState == FileStates.Completed)).ChildCount.ShouldBe(0);
        (await _harness.Published.Any<ArchiveExpanded>(x => x.Context.Message.FileId == archiveId)).ShouldBeFalse("no child will report");
    }

    [Test]
    public async Task A_child_retried_to_completion_after_the_archive_completed_moves_between_its_counts()
    {
        var archiveId = await ConvertedArchiveAsync(children: 1);
        await _harness.Bus.Publish(AllFinished(archiveId, completed: 0, failed: 1));
        await Settled(archiveId, f => f.CurrentState == FileStates.Completed && f.ChildrenFailed == 1);

        await _harness.Bus.Publish(AllFinished(archiveId, completed: 1, failed: 0));

        var archive = await Settled(archiveId, f => f.ChildrenCompleted == 1);
        (archive.ChildrenCompleted, archive.ChildrenFailed, archive.CurrentState).ShouldBe((1, 0, FileStates.Completed));
    }

    [Test]
    public async Task A_child_reports_how_it_ended_and_what_it_reported_before()
    {
        var parentId = Guid.NewGuid();
        var childId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(childId) with { ParentFileId = parentId, ArchiveDepth = 1 });
        await Settled(childId, f => f.CurrentState == _machine.Downloading.Name);
        var download = await Sent<DownloadFile>(childId);
        await PublishFault(download, new Processing.Conversion.ConversionException("unreadable"));
        await Settled(childId, f => f.CurrentState == FileStates.Failed);
        (await _harness.Published.Any<ChildFileFinished>(x => x.Context.Message.FileId == childId && !x.Context.Message.Succeeded))
            .ShouldBeTrue();

        await _harness.Bus.Publish(new FileRetryRequested { FileId = childId, RequestedAt = DateTimeOffset.UtcNow });
        await DownloadedAndChecksummedAsync(childId, downloadAttempt: 2);
        var output = new FileOutput { Bucket = "staging", Key = "k", Name = "data.csv", Format = "original", Size = 42 };
        await _harness.Bus.Publish(new FileConverted
            { FileId = childId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Processor = "pass-through", Outputs = [output] });
        await Settled(childId, f => f.CurrentState == _machine.Uploading.Name);
        await _harness.Bus.Publish(new ResultUploaded { FileId = childId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Outputs = [output] });
        await Settled(childId, f => f.CurrentState == FileStates.Completed);

        var reports = _harness.Published.Select<ChildFileFinished>(x => x.Context.Message.FileId == childId).Select(x => x.Context.Message).ToList();
        reports.Select(r => (r.ParentFileId, r.Succeeded, r.PreviouslySucceeded)).ShouldBe([(parentId, false, null), (parentId, true, false)]);
        _saga.Sagas.Contains(childId)!.ReportedSuccess.ShouldBe(true);
    }

    [Test]
    public async Task A_child_carries_its_share_of_the_archive_limits_to_its_own_convert_step()
    {
        var childId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(childId) with
        {
            OriginalName = "inner.zip", ParentFileId = Guid.NewGuid(), ArchiveDepth = 1, ArchiveBudget = new ArchiveBudget(4_096, 12)
        });
        await DownloadedAndChecksummedAsync(childId, downloadAttempt: 1);

        var convert = await Sent<ConvertFile>(childId, attempt: 1);
        (convert!.ArchiveDepth, convert.ArchiveBudget).ShouldBe((1, new ArchiveBudget(4_096, 12)));
    }

    [Test]
    public async Task A_file_received_from_outside_reports_to_no_parent()
    {
        var fileId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(fileId));
        await Settled(fileId, f => f.CurrentState == _machine.Downloading.Name);
        await PublishFault(await Sent<DownloadFile>(fileId), new Processing.Conversion.ConversionException("unreadable"));
        await Settled(fileId, f => f.CurrentState == FileStates.Failed);

        (await _harness.Published.Any<ChildFileFinished>(x => x.Context.Message.FileId == fileId)).ShouldBeFalse();
    }

    async Task<Guid> ConvertedArchiveAsync(int children)
    {
        var archiveId = Guid.NewGuid();
        await _harness.Bus.Publish(Uploaded(archiveId) with { OriginalName = "batch.zip" });
        await DownloadedAndChecksummedAsync(archiveId, downloadAttempt: 1);
        await _harness.Bus.Publish(Converted(archiveId, children));
        return archiveId;
    }

    /// <summary>Answers a file's download attempt and its checksum, leaving it Converting.</summary>
    async Task DownloadedAndChecksummedAsync(Guid fileId, int downloadAttempt)
    {
        await Settled(fileId, f => f.CurrentState == _machine.Downloading.Name);
        await _harness.Bus.Publish(Downloaded(fileId, downloadAttempt));
        await Settled(fileId, f => f.CurrentState == _machine.Checksumming.Name);
        await _harness.Bus.Publish(new ChecksumComputed
            { FileId = fileId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Sha256 = "ab", Size = 42 });
        await Settled(fileId, f => f.CurrentState == _machine.Converting.Name);
    }

    static FileConverted Converted(Guid archiveId, int children) => new()
    {
        FileId = archiveId, Attempt = 1, WorkerHost = "w", Duration = TimeSpan.Zero, Processor = "archive", Outputs = [], ChildCount = children
    };

    static ArchiveChildrenFinished AllFinished(Guid archiveId, int completed, int failed) => new()
    {
        FileId = archiveId, ChildrenCompleted = completed, ChildrenFailed = failed
    };
}
