using FastEndpoints;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// GET /files/{id}/progress: the file's transitions as Server-Sent Events. Each history entry is an <c>event: transition</c>
/// whose <c>id</c> is its index in the history (GET /files/{id}/events), so a client that reconnects with
/// <c>Last-Event-ID</c> gets only what it missed. While a step runs, <c>event: progress</c> (no id) carries its last report
/// (bytes done, total, percent). Once the file is Completed or Failed, a last <c>event: outcome</c> carries the file (as
/// GET /files/{id}) and the stream ends.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, FileChanges changes) : Endpoint<Get.Request>
{
    public override void Configure()
    {
        Get("/files/{id:guid}/progress");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces(200, contentType: "text/event-stream").ProducesProblemDetails(404));
        Summary(s => s.Summary = "The file's transitions and its running step's progress as they happen (Server-Sent Events), resumable with Last-Event-ID, ending with its outcome");
    }

    public override async Task HandleAsync(Get.Request request, CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        // Subscribed before the first read: a change made in between is not missed, only read twice.
        using var subscription = changes.Subscribe(tenant, request.Id);
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, tenant, ct) is not { } file)
            return;

        await EventStream.SendAsync(HttpContext.Response, ProgressFeed.OfFile(db, subscription, file, LastEventId(), ct), ct);
    }

    /// <summary>The last history index the client has (-1: none, also for a Last-Event-ID this stream did not send).</summary>
    int LastEventId() =>
        int.TryParse(HttpContext.Request.Headers["Last-Event-ID"].ToString(), out var id) && id >= 0 ? id : -1;
}
