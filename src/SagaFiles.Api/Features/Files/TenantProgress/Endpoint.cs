using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Api.Features.Files.Events;
using SagaFiles.Api.Features.Files.Progress;
using FileRecord = SagaFiles.Api.Features.Files.Get.Response;

namespace SagaFiles.Api.Features.Files.TenantProgress;

/// <summary>A transition of one of the tenant's files: <c>Index</c> is its place in that file's history.</summary>
public sealed record Transition(Guid FileId, int Index, Event Event);

/// <summary>
/// GET /files/progress: the transitions of all the tenant's files from the moment the stream opens, as Server-Sent Events
/// (<c>event: transition</c>, id <c>{file}:{index}</c>), and <c>event: outcome</c> with the file when one completes or
/// fails. It does not end and does not resume: a list or dashboard reads GET /files when it (re)connects.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, FileChanges changes) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/files/progress");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces(200, contentType: "text/event-stream"));
        Summary(s => s.Summary = "The transitions of all the tenant's files as they happen (Server-Sent Events)");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        using var subscription = changes.Subscribe(tenant, fileId: null);
        var response = HttpContext.Response;
        var since = DateTimeOffset.UtcNow;
        // Per file seen: the last history index sent (a file first seen starts with what happened since the stream opened).
        var sent = new Dictionary<Guid, int>();
        await EventStream.StartAsync(response, ct);
        try
        {
            while (true)
            {
                await EventStream.WaitAsync(response, subscription, ct);
                foreach (var id in subscription.TakeChanged())
                {
                    if (await db.Files.ReadAsync(id, tenant, ct) is not { } file)
                        continue;
                    var events = Event.Of(file);
                    var from = sent.TryGetValue(id, out var last) ? last + 1 : Math.Max(0, events.Count - events.Count(e => e.At >= since));
                    for (var i = from; i < events.Count; i++)
                        await EventStream.WriteAsync(response, $"{id}:{i}", "transition", new Transition(id, i, events[i]), ct);
                    if (from >= events.Count)
                        continue;
                    sent[id] = events.Count - 1;
                    if (FileStates.StatusOf(file.CurrentState) is FileStatus.Completed or FileStatus.Failed)
                        await EventStream.WriteAsync(response, null, "outcome", FileRecord.From(file), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
