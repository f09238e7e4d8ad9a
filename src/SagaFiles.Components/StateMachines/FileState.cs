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

    /// <summary>The API key (or token subject's key id) that uploaded the file, or the archive's for a child.</summary>
    public Guid? UploadedBy { get; set; }

    /// <summary>Optimistic concurrency token (Postgres xmin).</summary>
    public uint Version { get; set; }

    /// <summary>The longest <see cref="OriginalName" /> kept (the column's length).</summary>
    public const int MaxOriginalNameLength = 512;

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

    /// <summary>The results: in staging after the convert step, then where they were published.</summary>
    public List<FileOutput> Outputs { get; set; } = [];

    /// <summary>The archive this file came out of; null for a file received from outside.</summary>
    public Guid? ParentFileId { get; set; }

    /// <summary>How many archives deep the file is (0: received from outside).</summary>
    public int ArchiveDepth { get; set; }

    /// <summary>For a file from an archive: the uncompressed bytes and entries it may expand to if it is an archive.</summary>
    public long? ArchiveBudgetBytes { get; set; }

    public int? ArchiveBudgetEntries { get; set; }

    /// <summary>For an archive: how many child files it expanded into; null for any other file.</summary>
    public int? ChildCount { get; set; }

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

    /// <summary>The current attempt's timeout (a scheduled <c>StepTimedOut</c>), while it is pending.</summary>
    public Guid? StepTimeoutTokenId { get; set; }

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
}
