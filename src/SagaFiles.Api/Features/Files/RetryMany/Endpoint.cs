using FastEndpoints;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Api.Features.Files.Retry;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.RetryMany;

/// <summary>
/// POST /files/retry: every Failed file of the caller's tenant that matches the filter resumes from the step that failed,
/// as POST /files/{id}/retry would resume it (an archive that failed for its children: its Failed children); each one's
/// history names this bulk retry, who asked and the filter.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, IPublishEndpoint publish, TimeProvider clock, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    /// <summary>Retry requests written to the outbox per transaction: bounded memory and transaction size for a large class of failures.</summary>
    const int Batch = 500;

    public override void Configure()
    {
        Post("/files/retry");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(400).ProducesProblemDetails(404));
        Summary(s =>
        {
            s.Summary = "Retry every Failed file that matches a filter";
            s.Description = "status (Failed or omitted), step, reason (text the failure reason contains), parent (an archive: its failed "
                + "children), from/to (when the file failed); at least one. Answers how many files were retried; each file's history "
                + "records the bulk retry. The caller's own tenant only, like a single retry.";
        });
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        // The caller's own tenant, even for an admin, as for a single retry.
        var tenant = User.TenantOf();
        if (request.Parent is { } parent && await HttpContext.FileOrNotFoundAsync(db, parent, tenant, ct) is null)
            return;

        var failed = FileStates.Failed;
        var files = db.Files.AsNoTracking().Where(x => x.Tenant == tenant && x.CurrentState == failed);
        if (request.Step is { } step)
            files = files.Where(x => x.CurrentStep == step);
        if (request.Reason is { } reason)
        {
            var pattern = $"%{reason.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_")}%";
            files = files.Where(x => x.ErrorMessage != null && EF.Functions.ILike(x.ErrorMessage, pattern, @"\"));
        }

        if (request.Parent is { } archive)
            files = files.Where(x => x.ParentFileId == archive);
        // A Failed file's record last changed when it failed.
        if (request.From is { } from)
            files = files.Where(x => x.UpdatedAt >= from);
        if (request.To is { } to)
            files = files.Where(x => x.UpdatedAt < to);

        var bulkId = Guid.NewGuid();
        var filter = request.ToString();
        var note = $"Bulk retry {bulkId} requested by {User.Caller()}: {filter}.";
        var matched = await files.OrderBy(x => x.CorrelationId).Select(x => x.CorrelationId).ToListAsync(ct);
        var ids = await db.TargetsAsync(tenant, matched, ct);
        foreach (var batch in ids.Chunk(Batch))
        {
            foreach (var id in batch)
                await publish.RequestAsync(id, note, clock, ct);
            await db.SaveChangesAsync(ct);
        }

        logger.LogInformation("Bulk retry {BulkId} of tenant {Tenant} ({Filter}): {Retried} files", bulkId, tenant, filter, ids.Count);
        await Send.OkAsync(new Response(ids.Count, bulkId, filter), ct);
    }
}
