using System.Globalization;
using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Api.Features.Files.Progress;

namespace SagaFiles.Api.Features.Files.TenantProgress;

/// <summary>
/// GET /files/progress: the events of all the tenant's files from the moment the stream opens, as Server-Sent Events in
/// the order they committed: <c>event: transition</c>, <c>event: progress</c> (a running step's report) and
/// <c>event: outcome</c> (the file, once Completed or Failed), each with its position in <c>file_events</c> as id. It does
/// not end; a client reconnecting with <c>Last-Event-ID</c> gets every event of the tenant's files after it, in order, or
/// <c>event: reset</c> first when some of them are no longer kept.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, FileChanges changes) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/files/progress");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces(200, contentType: "text/event-stream"));
        Summary(s => s.Summary = "The transitions, progress and outcomes of all the tenant's files as they happen (Server-Sent Events), resumable with Last-Event-ID");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        // Subscribed before the first read: a change made in between is not missed, only read twice.
        using var subscription = changes.Subscribe(tenant, fileId: null);
        await EventStream.SendAsync(HttpContext.Response, ProgressFeed.ResumeTenant(db, subscription, LastEventId(), ct), ct);
    }

    /// <summary>The position of the last event the client has; null for none (or an id this stream did not send): start from now.</summary>
    long? LastEventId() =>
        long.TryParse(HttpContext.Request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
