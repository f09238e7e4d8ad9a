using SagaFiles.Components.Consumers;
using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Get;

/// <summary>GET /files/{id}: the file's record and status.</summary>
public sealed class Endpoint(SagaFilesDbContext db, OutputManifests manifests) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/files/{id:guid}");
        Policies(ApiScopes.FilesRead);
        Description(d => d.ProducesProblemDetails(404));
        Summary(s => s.Summary = "A file: status, current step, checksum, output");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, HttpContext.FilesTenant(), ct) is not { } file)
            return;

        // While an archive waits, its children are counted apart from its record.
        var progress = file.CurrentState == FileStates.AwaitingChildren
            ? await db.ArchiveProgress.AsNoTracking().FirstOrDefaultAsync(p => p.FileId == file.CorrelationId, ct)
            : null;
        // A manifest is read once published: until then it lies in staging, which the API may not read and which is cleaned.
        var outputs = file.CurrentState == FileStates.Completed
            ? await manifests.ReadAsync(file.Outputs, file.OutputManifest, ct)
            : file.Outputs;
        await Send.OkAsync(Response.From(file, outputs, progress), ct);
    }
}
