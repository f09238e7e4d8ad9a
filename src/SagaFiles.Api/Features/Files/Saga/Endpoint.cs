using FastEndpoints;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Saga;

/// <summary>GET /files/{id}/saga: the saga instance behind a file.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Get.Request, Response>
{
    public override void Configure()
    {
        Get("/files/{id:guid}/saga");
        Policies(ApiScopes.FilesRead);
        Description(d => d.ProducesProblemDetails(404));
        Summary(s => s.Summary = "The file's saga: state, version, step attempts and timings, last fault");
    }

    public override async Task HandleAsync(Get.Request request, CancellationToken ct)
    {
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, HttpContext.FilesTenant(), ct) is { } file)
            await Send.OkAsync(Response.From(file), ct);
    }
}
