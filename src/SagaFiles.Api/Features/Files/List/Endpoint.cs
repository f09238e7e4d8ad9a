using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.List;

/// <summary>GET /files?status=&amp;parent=&amp;type=&amp;tag=&amp;from=&amp;to=&amp;page=&amp;limit=: newest first, with the total count.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/files");
        Policies(ApiScopes.FilesRead);
        Description(d => d.ProducesProblemDetails(400));
        Summary(s => s.Summary = "List files, newest first, optionally by status, parent archive, type, tag or upload time");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        var files = (request.TagFilter is { } tag ? WithTag(tag.Key, tag.Value) : db.Files).AsNoTracking().Where(x => x.Tenant == tenant);
        if (request.Status is { } status)
        {
            var states = FileStates.Of(status).ToArray();
            files = files.Where(x => states.Contains(x.CurrentState));
        }

        if (request.Parent is { } parent)
            files = files.Where(x => x.ParentFileId == parent);
        if (request.Type is { } type)
            files = files.Where(x => x.DetectedType == type || x.Category == type);
        if (request.From is { } from)
            files = files.Where(x => x.CreatedAt >= from);
        if (request.To is { } to)
            files = files.Where(x => x.CreatedAt < to);

        var total = await files.CountAsync(ct);
        var page = await files.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.CorrelationId)
            .Skip((request.Page - 1) * request.Limit).Take(request.Limit).ToListAsync(ct);
        await Send.OkAsync(new Response(page.Select(file => SagaFiles.Api.Features.Files.Get.Response.From(file)).ToList(), request.Page, request.Limit, total), ct);
    }

    /// <summary>
    /// Files whose tags hold the key (with the value, when given): jsonb containment or key existence. <c>xmin</c> is named
    /// because <c>*</c> leaves system columns out, and the row version maps to it.
    /// </summary>
    IQueryable<FileState> WithTag(string key, string? value) => value == null
        ? db.Files.FromSql($"select *, xmin from files where jsonb_exists(tags, {key})")
        : db.Files.FromSql($"select *, xmin from files where tags @> jsonb_build_object({key}::text, {value}::text)");
}
