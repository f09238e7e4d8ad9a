using FastEndpoints;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Events;

/// <summary>GET /files/{id}/events: the file's history, oldest first.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Get.Request, Response>
{
    public override void Configure()
    {
        Get("/files/{id:guid}/events");
        Policies(ApiScopes.FilesRead);
        Description(d => d.ProducesProblemDetails(404));
        Summary(s => s.Summary = "The file's history: each transition with time, step, attempt, worker, duration and error");
    }

    public override async Task HandleAsync(Get.Request request, CancellationToken ct)
    {
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, HttpContext.FilesTenant(), ct) is not { } file)
            return;

        await Send.OkAsync(new Response(file.CorrelationId, Event.Of(file)), ct);
    }
}
