using FastEndpoints;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Get;

/// <summary>GET /files/{id}: the file's record and status.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Request, Response>
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
        var file = await db.Files.ReadAsync(request.Id, HttpContext.FilesTenant(), ct);
        if (file == null)
            await Send.NotFoundAsync(ct);
        else
            await Send.OkAsync(Response.From(file), ct);
    }
}
