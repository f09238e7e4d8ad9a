using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.List;

/// <summary>GET /files?status=&amp;parent=&amp;page=&amp;limit=: newest first, with the total count.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/files");
        Policies(ApiScopes.FilesRead);
        Description(d => d.ProducesProblemDetails(400));
        Summary(s => s.Summary = "List files, newest first, optionally by status or parent archive");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        var files = db.Files.AsNoTracking().Where(x => x.Tenant == tenant);
        if (request.Status is { } status)
        {
            var states = FileStates.Of(status).ToArray();
            files = files.Where(x => states.Contains(x.CurrentState));
        }

        if (request.Parent is { } parent)
            files = files.Where(x => x.ParentFileId == parent);

        var total = await files.CountAsync(ct);
        var page = await files.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.CorrelationId)
            .Skip((request.Page - 1) * request.Limit).Take(request.Limit).ToListAsync(ct);
        await Send.OkAsync(new Response(page.Select(file => SagaFiles.Api.Features.Files.Get.Response.From(file)).ToList(), request.Page, request.Limit, total), ct);
    }
}
