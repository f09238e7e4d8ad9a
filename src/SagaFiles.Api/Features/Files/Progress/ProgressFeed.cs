using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Api.Features.Files.Events;
using FileRecord = SagaFiles.Api.Features.Files.Get.Response;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// One event of a progress stream, whichever way it travels (Server-Sent Events or a WebSocket): <see cref="Name" /> is
/// <c>transition</c> or <c>outcome</c>; <see cref="Id" /> is what a client resumes after.
/// </summary>
public sealed record ProgressEvent(string? Id, string Name, object? Data)
{
    public const string Transition = "transition";
    public const string Outcome = "outcome";

    /// <summary>Not an event: nothing changed for <see cref="ProgressFeed.KeepAlive" />, so a transport can show it is alive.</summary>
    public static readonly ProgressEvent Quiet = new(null, "quiet", null);
}

/// <summary>A transition of one of the tenant's files, in the tenant-wide stream: <c>Index</c> is its place in that file's history.</summary>
public sealed record Transition(Guid FileId, int Index, Event Event);

/// <summary>
/// What the progress streams send, read from the files table as <see cref="FileChanges" /> says a file changed: the one
/// source of GET /files/{id}/progress, GET /files/progress and the WebSocket at /ws.
/// </summary>
public static class ProgressFeed
{
    /// <summary>A quiet stream yields <see cref="ProgressEvent.Quiet" /> this often: proxies close connections idle for longer.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How every stream writes an event's data.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// <paramref name="file" />'s history after index <paramref name="sent" /> (-1: all of it), then its transitions as they
    /// happen, ending with its outcome once it is Completed or Failed. <paramref name="file" /> is read after
    /// <paramref name="subscription" /> was made, so a change in between is read twice, not missed.
    /// </summary>
    public static async IAsyncEnumerable<ProgressEvent> OfFile(SagaFilesDbContext db, FileChanges.Subscription subscription, FileState file, int sent,
        [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var events = Event.Of(file);
            for (var i = sent + 1; i < events.Count; i++)
                yield return new ProgressEvent(i.ToString(), ProgressEvent.Transition, events[i]);
            sent = Math.Max(sent, events.Count - 1);
            if (IsSettled(file))
            {
                yield return new ProgressEvent(null, ProgressEvent.Outcome, FileRecord.From(file));
                yield break;
            }

            while (!await subscription.WaitAsync(KeepAlive, ct))
                yield return ProgressEvent.Quiet;
            if (await db.Files.ReadAsync(file.CorrelationId, subscription.Tenant, ct) is not { } changed)
                yield break;
            file = changed;
        }
    }

    /// <summary>
    /// The transitions of <paramref name="subscription" />'s tenant's files from now on (id <c>{file}:{index}</c>), and each
    /// file's outcome when it completes or fails. It does not end.
    /// </summary>
    public static async IAsyncEnumerable<ProgressEvent> OfTenant(SagaFilesDbContext db, FileChanges.Subscription subscription,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        // Per file seen: the last history index sent (a file first seen starts with what happened since the stream opened).
        var sent = new Dictionary<Guid, int>();
        while (true)
        {
            while (!await subscription.WaitAsync(KeepAlive, ct))
                yield return ProgressEvent.Quiet;
            foreach (var id in subscription.TakeChanged())
            {
                if (await db.Files.ReadAsync(id, subscription.Tenant, ct) is not { } file)
                    continue;
                var events = Event.Of(file);
                var from = sent.TryGetValue(id, out var last) ? last + 1 : Math.Max(0, events.Count - events.Count(e => e.At >= since));
                for (var i = from; i < events.Count; i++)
                    yield return new ProgressEvent($"{id}:{i}", ProgressEvent.Transition, new Transition(id, i, events[i]));
                if (from >= events.Count)
                    continue;
                sent[id] = events.Count - 1;
                if (IsSettled(file))
                    yield return new ProgressEvent(null, ProgressEvent.Outcome, FileRecord.From(file));
            }
        }
    }

    static bool IsSettled(FileState file) => FileStates.StatusOf(file.CurrentState) is FileStatus.Completed or FileStatus.Failed;
}
