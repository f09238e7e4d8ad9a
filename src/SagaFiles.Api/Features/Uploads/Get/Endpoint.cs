using FastEndpoints;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.Get;

/// <summary>
/// GET /uploads/{id}: the upload with the parts received and those missing, so a client resumes after a broken connection.
/// Needs files:write like the rest of the upload: an uploading key must be able to resume without reading files.
/// </summary>
public sealed class Endpoint(ResumableUploads uploads) : Endpoint<UploadRequest, UploadResponse>
{
    public override void Configure()
    {
        Get("/uploads/{id:guid}");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<UploadResponse>().ProducesProblemDetails(404));
        Summary(s => s.Summary = "A resumable upload: its parts received and missing");
    }

    public override async Task HandleAsync(UploadRequest request, CancellationToken ct)
    {
        if (await HttpContext.UploadOrNotFoundAsync(uploads, request.Id, User.TenantOf(), ct) is { } upload)
            await Send.OkAsync(UploadResponse.From(upload), ct);
    }
}
