using SagaFiles.Components.Consumers;
using SagaFiles.Components.Steps;
namespace SagaFiles.Components.StateMachines;

/// <summary>
/// One file and its saga: the saga instance is the file record (docs/adr/0002). Everything the API shows about a
/// file is read from here, written in the same transaction as the saga's transitions.
/// </summary>
public class FileState : SagaStateMachineInstance
{
    /// <summary>The file id.</summary>
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = "";

    /// <summary>Whose file it is: every query filters by it, and an archive's children inherit it.</summary>
    public string Tenant { get; set; } = "";

    /// <summary>Who uploaded the file (or the archive, for a child): the API key's id, or the JWT caller's uploader claim.</summary>
    public string? UploadedBy { get; set; }

    /// <summary>Optimistic concurrency token (Postgres xmin).</summary>
    public uint Version { get; set; }

    /// <summary>The longest <see cref="OriginalName" /> kept (the column's length).</summary>
    public const int MaxOriginalNameLength = 512;

    /// <summary>The longest <see cref="UploadedBy" /> kept; a longer token claim is refused at authentication.</summary>
    public const int MaxUploadedByLength = 256;

    public string OriginalName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];

    public string SourceBucket { get; set; } = "";

    public string SourceKey { get; set; } = "";

    public string? StagingBucket { get; set; }

    public string? StagingKey { get; set; }

    public string? DetectedType { get; set; }

    public string? MediaType { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>The detected kind's broad category (tabular, archive, image, ...).</summary>
    public string? Category { get; set; }

    /// <summary>The processor the routing chose at the convert step.</summary>
    public string? Processor { get; set; }

    /// <summary>The results: in staging after the convert step, then where they were published; empty when
    /// <see cref="OutputManifest" /> lists them.</summary>
    public List<FileOutput> Outputs { get; set; } = [];

    /// <summary>Where the results are listed when the list is too long to keep here and in the messages.</summary>
    public OutputManifest? OutputManifest { get; set; }

    /// <summary>The archive this file came out of; null for a file received from outside.</summary>
    public Guid? ParentFileId { get; set; }

    /// <summary>How many archives deep the file is (0: received from outside).</summary>
    public int ArchiveDepth { get; set; }

    /// <summary>For a file from an archive: the uncompressed bytes and entries it may expand to if it is an archive.</summary>
    public long? ArchiveBudgetBytes { get; set; }

    public int? ArchiveBudgetEntries { get; set; }

    /// <summary>For an archive: how many child files it expanded into; null for any other file.</summary>
    public int? ChildCount { get; set; }

    /// <summary>For an archive: its children's outcomes once all have reported (while they run, the counts grow in
    /// <see cref="Data.ArchiveProgress" />).</summary>
    public int ChildrenCompleted { get; set; }

    public int ChildrenFailed { get; set; }

    /// <summary>For a child file: the outcome last reported to its parent (true: Completed), so a retried child that
    /// completes after failing moves between the parent's counts instead of being counted twice.</summary>
    public bool? ReportedSuccess { get; set; }

    /// <summary>The step in progress, or the step that failed.</summary>
    public string? CurrentStep { get; set; }

    /// <summary>Attempt number of the current step (1 for the first try).</summary>
    public int Attempt { get; set; }

    public DateTimeOffset? StepStartedAt { get; set; }

    /// <summary>The running attempt's deadline: unanswered past it, the attempt times out (<see cref="StepTimeoutSweeper" />).
    /// Null while no attempt runs.</summary>
    public DateTimeOffset? StepTimeoutAt { get; set; }

    /// <summary>The next attempt after a failed one (a scheduled <c>StepRetryDue</c>), while it is pending.</summary>
    public Guid? StepRetryTokenId { get; set; }

    public DateTimeOffset? StepRetryAt { get; set; }

    /// <summary>The current step's attempts made before the last manual retry: they do not count against the attempt limit.</summary>
    public int AttemptsBeforeManualRetry { get; set; }

    public string? ErrorMessage { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>Per step: attempts, timings, worker and last error.</summary>
    public List<StepRecord> Steps { get; set; } = [];

    /// <summary>Every transition, oldest first.</summary>
    public List<FileHistoryEntry> History { get; set; } = [];

    // How the record changes as the saga moves (FileStateMachine calls these): every change dated and kept.

    public void Accept(FileUploaded uploaded, DateTimeOffset now)
    {
        Tenant = uploaded.Tenant;
        UploadedBy = uploaded.UploadedBy;
        OriginalName = uploaded.OriginalName;
        ContentType = uploaded.ContentType;
        Size = uploaded.Size;
        Tags = new Dictionary<string, string>(uploaded.Tags);
        SourceBucket = uploaded.Bucket;
        SourceKey = uploaded.Key;
        ParentFileId = uploaded.ParentFileId;
        ArchiveDepth = uploaded.ArchiveDepth;
        (ArchiveBudgetBytes, ArchiveBudgetEntries) = (uploaded.ArchiveBudget?.Bytes, uploaded.ArchiveBudget?.Entries);
        if (CreatedAt == default)
            CreatedAt = uploaded.UploadedAt;
        UpdatedAt = now;
    }

    /// <summary>Starts the step's next attempt, unanswered by <paramref name="timeoutAt" />; no retry is pending any more.</summary>
    public void StartStep(string step, DateTimeOffset now, DateTimeOffset timeoutAt)
    {
        var record = Step(step);
        record.Attempts++;
        record.StartedAt = now;
        record.CompletedAt = null;
        record.DurationMs = null;
        (record.BytesDone, record.BytesTotal, record.RowsDone, record.EntriesDone, record.EntriesTotal) = (null, null, null, null, null);
        CurrentStep = step;
        Attempt = record.Attempts;
        StepStartedAt = now;
        (StepTimeoutAt, StepRetryAt) = (timeoutAt, null);
        UpdatedAt = now;
    }

    /// <summary>The running attempt reported how far it is; it is unanswered only by <paramref name="timeoutAt" /> now.</summary>
    public void Progressed(StepProgressed progressed, DateTimeOffset now, DateTimeOffset timeoutAt)
    {
        var record = Step(progressed.Step);
        // The steps that report read the file itself (checksum, convert): without a total of their own, it is the file's size.
        (record.BytesDone, record.BytesTotal) = (progressed.BytesDone, progressed.BytesTotal ?? (Size > 0 ? Size : null));
        (record.RowsDone, record.EntriesDone, record.EntriesTotal) = (progressed.RowsDone, progressed.EntriesDone, progressed.EntriesTotal);
        StepTimeoutAt = timeoutAt;
        UpdatedAt = now;
    }

    /// <summary>
    /// Whether <paramref name="progressed" /> is of the running attempt and says more than it last reported. The worker's
    /// reports only go forward, but the saga's queue does not keep their order (one retried after a concurrency conflict
    /// lands after the next), and a report that arrives late must not move the step back.
    /// </summary>
    public bool IsNews(StepProgressed progressed)
    {
        if (!IsCurrent(progressed.Step, progressed.Attempt))
            return false;
        var reported = Steps.FirstOrDefault(s => s.Step == progressed.Step);
        return progressed.BytesDone > (reported?.BytesDone ?? 0) || progressed.RowsDone > (reported?.RowsDone ?? 0)
               || progressed.EntriesDone > (reported?.EntriesDone ?? 0);
    }

    /// <summary>Whether <paramref name="attempt" /> of <paramref name="step" /> is the one in progress (else its answer is stale).</summary>
    public bool IsCurrent(string step, int attempt) => CurrentStep == step && Attempt == attempt;

    /// <summary>Records the finished attempt (duration, worker); its timeout no longer applies.</summary>
    public void CompleteStep(StepCompleted completed, DateTimeOffset now)
    {
        var record = Step(CurrentStep!);
        record.CompletedAt = now;
        record.DurationMs = completed.Duration.TotalMilliseconds;
        record.WorkerHost = completed.WorkerHost;
        StepTimeoutAt = null;
        UpdatedAt = now;
    }

    public void Downloaded(FileDownloaded downloaded)
    {
        (StagingBucket, StagingKey) = (downloaded.StagingBucket, downloaded.StagingKey);
        (DetectedType, MediaType, Category) = (downloaded.DetectedType, downloaded.MediaType, downloaded.Category);
    }

    public void Checksummed(ChecksumComputed computed) => Sha256 = computed.Sha256;

    /// <summary>
    /// The download read the whole file and hashed it: the checksum step is recorded as done by the same worker at the
    /// same moment, with no attempt of its own.
    /// </summary>
    public void ChecksummedByDownload(FileDownloaded downloaded, DateTimeOffset now)
    {
        Sha256 = downloaded.Sha256;
        DoneWithin(FileSteps.Checksum, downloaded, now);
    }

    /// <summary>
    /// The convert step published a small file's results itself: the upload step is recorded as done by the same worker at
    /// the same moment, with no attempt of its own.
    /// </summary>
    public void UploadedByConvert(FileConverted converted, DateTimeOffset now) => DoneWithin(FileSteps.Upload, converted, now);

    /// <summary>
    /// The download converted a small file and published its results: the convert and upload steps are recorded as done by
    /// the same worker at the same moment, with no attempt of their own.
    /// </summary>
    public void ConvertedByDownload(FileDownloaded downloaded, DateTimeOffset now)
    {
        Converted(downloaded.Converted!);
        DoneWithin(FileSteps.Convert, downloaded, now);
        DoneWithin(FileSteps.Upload, downloaded, now);
    }

    /// <summary>Records <paramref name="step" /> as done inside the attempt that <paramref name="completed" /> answers.</summary>
    void DoneWithin(string step, StepCompleted completed, DateTimeOffset now)
    {
        var record = Step(step);
        (record.StartedAt, record.CompletedAt, record.DurationMs, record.WorkerHost) = (now, now, 0, completed.WorkerHost);
    }

    public void Converted(FileConverted converted)
    {
        Processor = converted.Processor;
        (Outputs, OutputManifest) = ([.. converted.Outputs], converted.OutputManifest);
        ChildCount = converted.ChildCount;
    }

    /// <summary>Attempts of the current step that count against the limit (a manual retry starts a fresh budget).</summary>
    public int CountedAttempts => Attempt - AttemptsBeforeManualRetry;

    /// <summary>
    /// Records an attempt that failed but will be tried again (at <paramref name="retryAt" />, or at once when null), in the
    /// step and in the history.
    /// </summary>
    public void AttemptFailed(string reason, DateTimeOffset now, DateTimeOffset? retryAt)
    {
        Step(CurrentStep!).LastError = reason;
        (StepTimeoutAt, StepRetryAt) = (null, retryAt);
        UpdatedAt = now;
        var next = retryAt is { } at ? $"attempt {Attempt + 1} at {at:O}" : $"attempt {Attempt + 1} now";
        Transitioned(CurrentState, CurrentState, now, completed: null, $"{reason} (retrying: {next})");
    }

    /// <summary>Fails the file for <paramref name="reason" />; nothing is scheduled for it any more.</summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        ErrorMessage = reason;
        if (CurrentStep != null)
            Step(CurrentStep).LastError = reason;
        (StepTimeoutAt, StepRetryAt) = (null, null);
        UpdatedAt = now;
    }

    /// <summary>A user asked to resume a Failed file: its current step gets a fresh attempt budget.</summary>
    public void Resume()
    {
        AttemptsBeforeManualRetry = Attempt;
        ErrorMessage = null;
    }

    /// <summary>Every child of the archive has reported: these are the counts (again, when a retried child moved between them).</summary>
    public void ChildrenCounted(ArchiveChildrenFinished finished, DateTimeOffset now)
    {
        (ChildrenCompleted, ChildrenFailed) = (finished.ChildrenCompleted, finished.ChildrenFailed);
        UpdatedAt = now;
    }

    public void Finish(OutputList published, DateTimeOffset now)
    {
        (Outputs, OutputManifest) = ([.. published.Listed], published.Manifest);
        ProcessedAt = now;
        // An archive that failed for its children and completes once enough of them did.
        ErrorMessage = null;
        CurrentStep = null;
        UpdatedAt = now;
    }

    /// <summary>Records a transition in the file's history, with the worker and duration of the step completion that caused it.</summary>
    public void Transitioned(string from, string to, DateTimeOffset now, StepCompleted? completed, string? error, string? note = null) =>
        History.Add(new FileHistoryEntry
        {
            At = now,
            From = from,
            To = to,
            Step = CurrentStep,
            Attempt = Attempt,
            WorkerHost = completed?.WorkerHost,
            DurationMs = completed?.Duration.TotalMilliseconds,
            Error = error,
            Note = note
        });

    StepRecord Step(string step)
    {
        var record = Steps.FirstOrDefault(s => s.Step == step);
        if (record == null)
        {
            record = new StepRecord { Step = step };
            Steps.Add(record);
        }

        return record;
    }
}

public class StepRecord
{
    public string Step { get; set; } = "";

    public int Attempts { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public double? DurationMs { get; set; }

    public string? WorkerHost { get; set; }

    public string? LastError { get; set; }

    /// <summary>How far the running (or last) attempt got through its input, as it last reported (<see cref="StepProgressed" />).</summary>
    public long? BytesDone { get; set; }

    public long? BytesTotal { get; set; }

    /// <summary>Rows a conversion has done so far (no total), and an archive's entries expanded out of those it lists.</summary>
    public long? RowsDone { get; set; }

    public long? EntriesDone { get; set; }

    public long? EntriesTotal { get; set; }
}

public class FileHistoryEntry
{
    public DateTimeOffset At { get; set; }

    public string From { get; set; } = "";

    public string To { get; set; } = "";

    public string? Step { get; set; }

    public int Attempt { get; set; }

    public string? WorkerHost { get; set; }

    public double? DurationMs { get; set; }

    public string? Error { get; set; }

    /// <summary>What caused the transition when a user did: a retry, and for a bulk retry its id and filter.</summary>
    public string? Note { get; set; }
}
