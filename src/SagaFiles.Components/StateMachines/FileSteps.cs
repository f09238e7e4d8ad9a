namespace SagaFiles.Components.StateMachines;

/// <summary>The four steps: their names (as the API and the history show them), queues and commands.</summary>
public static class FileSteps
{
    public const string Download = "Download";
    public const string Checksum = "Checksum";
    public const string Convert = "Convert";
    public const string Upload = "Upload";

    public static Uri Address(string step) => StepEndpoints.Address(step switch
    {
        Download => StepEndpoints.Download,
        Checksum => StepEndpoints.Checksum,
        Convert => StepEndpoints.Convert,
        Upload => StepEndpoints.Upload,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a step")
    });

    /// <summary>The command for an attempt of a step, from what the file's record knows so far.</summary>
    public static StepCommand Command(FileState file, string step, int attempt) => step switch
    {
        Download => new DownloadFile
        {
            FileId = file.CorrelationId,
            Tenant = file.Tenant,
            Attempt = attempt,
            SourceBucket = file.SourceBucket,
            SourceKey = file.SourceKey,
            OriginalName = file.OriginalName
        },
        Checksum => new ComputeChecksum { FileId = file.CorrelationId, Tenant = file.Tenant, Attempt = attempt, Bucket = file.StagingBucket!, Key = file.StagingKey! },
        Convert => new ConvertFile
        {
            FileId = file.CorrelationId,
            Tenant = file.Tenant,
            Attempt = attempt,
            Bucket = file.StagingBucket!,
            Key = file.StagingKey!,
            OriginalName = file.OriginalName,
            Tags = file.Tags,
            UploadedBy = file.UploadedBy,
            ArchiveDepth = file.ArchiveDepth,
            ArchiveBudget = file.ArchiveBudgetBytes is { } bytes ? new ArchiveBudget(bytes, file.ArchiveBudgetEntries ?? 1) : null
        },
        Upload => new UploadFile
        {
            FileId = file.CorrelationId,
            Tenant = file.Tenant,
            Attempt = attempt,
            Outputs = file.Outputs,
            Sha256 = file.Sha256!,
            SourceKey = file.SourceKey,
            ReceivedAt = file.CreatedAt
        },
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a step")
    };
}

/// <summary>How a file's record changes as its saga moves: steps started, completed, failed; every change dated and kept.</summary>
public static class FileStateRecording
{
    public static void Accept(this FileState file, FileUploaded uploaded, DateTimeOffset now)
    {
        file.Tenant = uploaded.Tenant;
        file.UploadedBy = uploaded.UploadedBy;
        file.OriginalName = uploaded.OriginalName;
        file.ContentType = uploaded.ContentType;
        file.Size = uploaded.Size;
        file.Tags = new Dictionary<string, string>(uploaded.Tags);
        file.SourceBucket = uploaded.Bucket;
        file.SourceKey = uploaded.Key;
        file.ParentFileId = uploaded.ParentFileId;
        file.ArchiveDepth = uploaded.ArchiveDepth;
        (file.ArchiveBudgetBytes, file.ArchiveBudgetEntries) = (uploaded.ArchiveBudget?.Bytes, uploaded.ArchiveBudget?.Entries);
        if (file.CreatedAt == default)
            file.CreatedAt = uploaded.UploadedAt;
        file.UpdatedAt = now;
    }

    /// <summary>Starts a step's next attempt and returns its number.</summary>
    public static int StartStep(this FileState file, string step, DateTimeOffset now)
    {
        var record = file.Step(step);
        record.Attempts++;
        record.StartedAt = now;
        record.CompletedAt = null;
        record.DurationMs = null;
        file.CurrentStep = step;
        file.Attempt = record.Attempts;
        file.StepStartedAt = now;
        file.UpdatedAt = now;
        return record.Attempts;
    }

    public static void CompleteStep(this FileState file, StepCompleted completed, DateTimeOffset now)
    {
        var record = file.Step(file.CurrentStep ?? "");
        record.CompletedAt = now;
        record.DurationMs = completed.Duration.TotalMilliseconds;
        record.WorkerHost = completed.WorkerHost;
        file.UpdatedAt = now;
    }

    /// <summary>Attempts of the current step that count against the limit (a manual retry starts a fresh budget).</summary>
    public static int CountedAttempts(this FileState file) => file.Attempt - file.AttemptsBeforeManualRetry;

    /// <summary>Records an attempt that failed but will be tried again, in the step and in the history.</summary>
    public static void AttemptFailed(this FileState file, string reason, DateTimeOffset now, DateTimeOffset? retryAt)
    {
        file.Step(file.CurrentStep ?? "").LastError = reason;
        file.UpdatedAt = now;
        var next = retryAt is { } at ? $"attempt {file.Attempt + 1} at {at:O}" : $"attempt {file.Attempt + 1} now";
        file.History.Add(new FileHistoryEntry
        {
            At = now,
            From = file.CurrentState,
            To = file.CurrentState,
            Step = file.CurrentStep,
            Attempt = file.Attempt,
            Error = $"{reason} (retrying: {next})"
        });
    }

    public static void Fail(this FileState file, string reason, DateTimeOffset now)
    {
        file.ErrorMessage = reason;
        if (file.CurrentStep != null)
            file.Step(file.CurrentStep).LastError = reason;
        file.UpdatedAt = now;
    }

    public static void Converted(this FileState file, FileConverted converted)
    {
        file.Processor = converted.Processor;
        file.Outputs = [.. converted.Outputs];
        file.ChildCount = converted.ChildCount;
    }

    /// <summary>Counts a child's outcome, moving it from the count it was in when it reports again.</summary>
    public static void ChildFinished(this FileState file, ChildFileFinished finished, DateTimeOffset now)
    {
        if (finished.PreviouslySucceeded is { } before)
        {
            if (before)
                file.ChildrenCompleted--;
            else
                file.ChildrenFailed--;
        }

        if (finished.Succeeded)
            file.ChildrenCompleted++;
        else
            file.ChildrenFailed++;
        file.UpdatedAt = now;
    }

    /// <summary>An archive whose every child has reached Completed or Failed.</summary>
    public static bool AllChildrenFinished(this FileState file) =>
        file.ChildCount is { } count && file.ChildrenCompleted + file.ChildrenFailed >= count;

    public static void Finish(this FileState file, IReadOnlyList<FileOutput> published, DateTimeOffset now)
    {
        file.Outputs = [.. published];
        file.ProcessedAt = now;
        file.CurrentStep = null;
        file.UpdatedAt = now;
    }

    /// <summary>Records a transition in the file's history.</summary>
    public static void Transitioned(this FileState file, string from, string to, DateTimeOffset now, StepCompleted? completed = null,
        string? error = null) =>
        file.History.Add(new FileHistoryEntry
        {
            At = now,
            From = from,
            To = to,
            Step = file.CurrentStep,
            Attempt = file.Attempt,
            WorkerHost = completed?.WorkerHost,
            DurationMs = completed?.Duration.TotalMilliseconds,
            Error = error
        });

    static StepRecord Step(this FileState file, string step)
    {
        var record = file.Steps.FirstOrDefault(s => s.Step == step);
        if (record == null)
        {
            record = new StepRecord { Step = step };
            file.Steps.Add(record);
        }

        return record;
    }
}
