using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.Saga;

/// <summary>The file's saga instance as stored: state, concurrency version, per-step attempts and timings, the last fault.</summary>
public sealed record Response(
    Guid CorrelationId,
    string CurrentState,
    uint Version,
    string? CurrentStep,
    int Attempt,
    DateTimeOffset? StepStartedAt,
    IReadOnlyList<SagaStep> Steps,
    IReadOnlyList<ScheduledMessage> Scheduled,
    Fault? LastFault,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static Response From(FileState file) => new(
        file.CorrelationId,
        file.CurrentState,
        file.Version,
        file.CurrentStep,
        file.Attempt,
        file.StepStartedAt,
        file.Steps.Select(SagaStep.From).ToList(),
        PendingSchedules(file),
        file.ErrorMessage == null ? null : new Fault(file.CurrentStep, file.Attempt, file.ErrorMessage),
        file.CreatedAt,
        file.UpdatedAt);

    static List<ScheduledMessage> PendingSchedules(FileState file)
    {
        var scheduled = new List<ScheduledMessage>();
        if (file is { StepTimeoutAt: { } timeoutAt })
            scheduled.Add(new ScheduledMessage("StepTimeout", file.CurrentStep, file.Attempt, timeoutAt, TokenId: null));
        if (file is { StepRetryTokenId: { } retryToken, StepRetryAt: { } retryAt })
            scheduled.Add(new ScheduledMessage("StepRetry", file.CurrentStep, file.Attempt + 1, retryAt, retryToken));
        return scheduled;
    }
}

/// <summary>One step of the file: its queue (what <c>POST /dead-letters/{queue}/redrive</c> takes), attempts, timings, worker, last error
/// and how far its last attempt got (bytes, and a conversion's rows or an archive's entries, as last reported).</summary>
public sealed record SagaStep(
    string Step,
    string Queue,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationMs,
    string? WorkerHost,
    string? LastError,
    long? BytesDone,
    long? BytesTotal,
    long? RowsDone,
    long? EntriesDone,
    long? EntriesTotal)
{
    public static SagaStep From(StepRecord record) => new(record.Step, FileSteps.Named(record.Step).Queue, record.Attempts, record.StartedAt,
        record.CompletedAt, record.DurationMs, record.WorkerHost, record.LastError, record.BytesDone, record.BytesTotal, record.RowsDone,
        record.EntriesDone, record.EntriesTotal);
}

/// <summary>What the saga waits for at a time: the next attempt after a backoff (<c>StepRetry</c>, a scheduled message, with its
/// token), or the running attempt's deadline (<c>StepTimeout</c>, kept by the workers' sweeper: no message, no token).</summary>
public sealed record ScheduledMessage(string Kind, string? Step, int Attempt, DateTimeOffset DueAt, Guid? TokenId);

public sealed record Fault(string? Step, int Attempt, string Message);
