using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Api.Features.Files.Events;
using FileRecord = SagaFiles.Api.Features.Files.Get.Response;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// One event of a progress stream, whichever way it travels (Server-Sent Events or a WebSocket): <see cref="Name" /> is
/// <c>transition</c>, <c>progress</c> or <c>outcome</c>; <see cref="Id" /> is what a client resumes after.
/// </summary>
public sealed record ProgressEvent(string? Id, string Name, object? Data)
{
    public const string Transition = "transition";
    public const string Progress = "progress";
    public const string Outcome = "outcome";
    public const string Reset = "reset";

    /// <summary>Not an event: nothing changed for <see cref="ProgressFeed.KeepAlive" />, so a transport can show it is alive.</summary>
    public static readonly ProgressEvent Quiet = new(null, "quiet", null);
}

/// <summary>A transition of one of the tenant's files, in the tenant-wide stream: <c>Index</c> is its place in that file's history.</summary>
public sealed record Transition(Guid FileId, int Index, Event Event);

/// <summary>
/// How far a running step is, as the worker last reported it (<c>StepProgressed</c>, every Processing:ProgressInterval):
/// the bytes of its input, and the rows a tabular conversion has done (a count: no total) or the entries an archive has
/// expanded out of those it lists. <c>Percent</c>, when a total is known: of the entries where the archive lists them,
/// else of the bytes.
/// </summary>
public sealed record StepProgress(Guid FileId, string Step, int Attempt, long BytesDone, long? BytesTotal, double? Percent,
    long? RowsDone = null, long? EntriesDone = null, long? EntriesTotal = null)
{
    public static StepProgress Of(Guid fileId, string step, int attempt, long done, long? total, long? rows = null, long? entries = null,
        long? entriesTotal = null) =>
        new(fileId, step, attempt, done, total, entries is { } expanded && entriesTotal > 0 ? Share(expanded, entriesTotal.Value) : total > 0 ? Share(done, total.Value) : null,
            rows, entries, entriesTotal);

    /// <summary>The running step's last report, if it made one.</summary>
    public static StepProgress? Of(FileState file) =>
        file.CurrentStep is { } step && !IsSettled(file) && file.Steps.FirstOrDefault(s => s.Step == step) is { BytesDone: { } done } record
            ? Of(file.CorrelationId, step, file.Attempt, done, record.BytesTotal, record.RowsDone, record.EntriesDone, record.EntriesTotal)
            : null;

    static double Share(long done, long total) => Math.Min(100, Math.Round(100.0 * done / total, 1));

    static bool IsSettled(FileState file) => FileStates.StatusOf(file.CurrentState) is FileStatus.Completed or FileStatus.Failed;
}

/// <summary>
/// The first event of a tenant stream resumed after a position whose following events were deleted (older than
/// <c>Progress:EventRetention</c>): what the client had is stale and what it missed is gone. It should read the files'
/// state again (GET /files); the stream goes on after <see cref="ResumesAfter" />, the event's id.
/// </summary>
public sealed record StreamReset(long LastEventId, long DeletedThrough, long ResumesAfter, string Reason);

/// <summary>
/// What the progress streams send, as <see cref="FileChanges" /> says a file changed: the one source of
/// GET /files/{id}/progress, GET /files/progress and the WebSocket at /ws. A file's stream reads the file; the tenant's
/// reads <c>file_events</c>, whose positions never go back (<see cref="FileEventSequencer" />), so it resumes from one.
/// </summary>
public static class ProgressFeed
{
    /// <summary>A quiet stream yields <see cref="ProgressEvent.Quiet" /> this often: proxies close connections idle for longer.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How many events the tenant's stream reads at a time.</summary>
    const int Batch = 200;

    /// <summary>How every stream writes an event's data.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// <paramref name="file" />'s history after index <paramref name="sent" /> (-1: all of it), then its transitions as they
    /// happen, each followed by the running step's progress when it reported more (no id: a client resuming gets the
    /// latest report again, not the ones it missed), ending with its outcome once it is Completed or Failed.
    /// <paramref name="file" /> is read after <paramref name="subscription" /> was made, so a change in between is read
    /// twice, not missed.
    /// </summary>
    public static async IAsyncEnumerable<ProgressEvent> OfFile(SagaFilesDbContext db, FileChanges.Subscription subscription, FileState file, int sent,
        [EnumeratorCancellation] CancellationToken ct)
    {
        StepProgress? reported = null;
        while (true)
        {
            var events = Event.Of(file);
            for (var i = sent + 1; i < events.Count; i++)
                yield return new ProgressEvent(i.ToString(CultureInfo.InvariantCulture), ProgressEvent.Transition, events[i]);
            sent = Math.Max(sent, events.Count - 1);
            if (IsSettled(file))
            {
                yield return new ProgressEvent(null, ProgressEvent.Outcome, FileRecord.From(file));
                yield break;
            }

            if (StepProgress.Of(file) is { } progress && progress != reported)
                yield return new ProgressEvent(null, ProgressEvent.Progress, reported = progress);

            while (!await subscription.WaitAsync(KeepAlive, ct))
                yield return ProgressEvent.Quiet;
            if (await db.Files.ReadAsync(file.CorrelationId, subscription.Tenant, ct) is not { } changed)
                yield break;
            file = changed;
        }
    }

    /// <summary>Where a tenant stream opened without <c>Last-Event-ID</c> starts: after every event so far.</summary>
    public static async Task<long> NowAsync(SagaFilesDbContext db, CancellationToken ct) =>
        await db.FileEvents.MaxAsync(e => e.Position, ct) ?? 0;

    /// <summary>
    /// The tenant stream for a client that has every event through <paramref name="lastEventId" /> (null: a new client,
    /// which starts from now). When events after it were deleted (<see cref="FileEventCleanup" />) it first gets
    /// <c>event: reset</c> (<see cref="StreamReset" />) with the newest position as id, and goes on from there.
    /// </summary>
    public static async IAsyncEnumerable<ProgressEvent> ResumeTenant(SagaFilesDbContext db, FileChanges.Subscription subscription, long? lastEventId,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var tenant = subscription.Tenant;
        long after;
        if (lastEventId is not { } last)
        {
            after = await NowAsync(db, ct);
        }
        else if (await db.FileEventHorizons.AsNoTracking().Where(h => h.Tenant == tenant).Select(h => (long?)h.DeletedThrough).FirstOrDefaultAsync(ct)
                 is { } deleted && deleted > last)
        {
            after = await NowAsync(db, ct);
            yield return new ProgressEvent(after.ToString(CultureInfo.InvariantCulture), ProgressEvent.Reset, new StreamReset(last, deleted, after,
                $"Events after {last} are no longer kept (Progress:EventRetention): read GET /files for the files' state; this stream goes on after {after}."));
        }
        else
        {
            after = last;
        }

        await foreach (var e in OfTenant(db, subscription, after, ct))
            yield return e;
    }

    /// <summary>
    /// The events of <paramref name="subscription" />'s tenant's files after position <paramref name="after" /> (see
    /// <see cref="NowAsync" />), in commit order, each with its position as id: transitions (data: file, index in its
    /// history, the entry as GET /files/{id}/events), progress reports and outcomes (the file as GET /files/{id} shows it
    /// when sent). It does not end.
    /// </summary>
    public static async IAsyncEnumerable<ProgressEvent> OfTenant(SagaFilesDbContext db, FileChanges.Subscription subscription, long after,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var tenant = subscription.Tenant;
        while (true)
        {
            // Which files changed is not needed here: the events say it.
            subscription.TakeChanged();
            var batch = await db.FileEvents.AsNoTracking().Where(e => e.Tenant == tenant && e.Position > after).OrderBy(e => e.Position)
                .Take(Batch).ToListAsync(ct);
            if (batch.Count == 0)
            {
                // Read again on every change, and on every quiet spell too (a change made while the LISTEN connection was
                // down was announced to nobody).
                if (!await subscription.WaitAsync(KeepAlive, ct))
                    yield return ProgressEvent.Quiet;
                continue;
            }

            var ids = batch.Where(e => e.Kind != FileEvent.Progress).Select(e => e.FileId).Distinct().ToList();
            var files = ids.Count == 0
                ? []
                : await db.Files.AsNoTracking().Where(f => f.Tenant == tenant && ids.Contains(f.CorrelationId)).ToDictionaryAsync(f => f.CorrelationId, ct);
            var histories = new Dictionary<Guid, IReadOnlyList<Event>>();
            foreach (var e in batch)
            {
                after = e.Position!.Value; // read where position > after: sequenced
                if (Of(e, files, histories) is { } found)
                    yield return new ProgressEvent(after.ToString(CultureInfo.InvariantCulture), found.Name, found.Data);
            }
        }
    }

    static (string Name, object Data)? Of(FileEvent e, Dictionary<Guid, FileState> files, Dictionary<Guid, IReadOnlyList<Event>> histories)
    {
        if (e.Kind == FileEvent.Progress)
            return e is { Step: { } step, BytesDone: { } done }
                ? (ProgressEvent.Progress, StepProgress.Of(e.FileId, step, e.Attempt ?? 0, done, e.BytesTotal, e.RowsDone, e.EntriesDone, e.EntriesTotal))
                : null;
        if (!files.TryGetValue(e.FileId, out var file))
            return null;
        if (e.Kind == FileEvent.Outcome)
            return (ProgressEvent.Outcome, FileRecord.From(file));
        if (!histories.TryGetValue(e.FileId, out var events))
            histories[e.FileId] = events = Event.Of(file);
        return e.HistoryIndex is { } index && index < events.Count
            ? (ProgressEvent.Transition, new Transition(e.FileId, index, events[index]))
            : null;
    }

    static bool IsSettled(FileState file) => FileStates.StatusOf(file.CurrentState) is FileStatus.Completed or FileStatus.Failed;
}
