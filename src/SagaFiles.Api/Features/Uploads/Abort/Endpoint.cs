using FastEndpoints;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.Abort;

/// <summary>DELETE /uploads/{id}: aborts the upload and drops its parts (204, again too); a completed upload answers 409.</summary>
public sealed class Endpoint(ResumableUploads uploads) : Endpoint<UploadRequest>
{
    public override void Configure()
    {
        Delete("/uploads/{id:guid}");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces(204).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "Abort a resumable upload");
    }

    public override async Task HandleAsync(UploadRequest request, CancellationToken ct)
    {
        if (await HttpContext.UploadOrNotFoundAsync(uploads, request.Id, User.TenantOf(), ct) is not { } upload)
            return;
        if (await uploads.AbortAsync(upload, ct) is { } refusal)
            await HttpContext.SendRefusalAsync(refusal, ct);
        else
            await Send.NoContentAsync(ct);
    }
}
