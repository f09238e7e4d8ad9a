using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Api.Features.Files.Progress;

namespace SagaFiles.Api.Features.Files.TenantProgress;

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
        await EventStream.SendAsync(HttpContext.Response, ProgressFeed.OfTenant(db, subscription, ct), ct);
    }
}
