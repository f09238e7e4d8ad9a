using FastEndpoints;
using SagaFiles.Api.Features.Files.Upload;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.Complete;

/// <summary>
/// POST /uploads/{id}/complete: checks that every part is there with its size (and the listed checksums), assembles the
/// file and takes it in like POST /files, answering exactly as it does (202, id, <c>Location</c>). Completing again answers
/// as an idempotent replay (<c>Idempotent-Replayed: true</c>).
/// </summary>
public sealed class Endpoint(ResumableUploads uploads) : Endpoint<Request, Files.Upload.Response>
{
    public override void Configure()
    {
        Post("/uploads/{id:guid}/complete");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<Files.Upload.Response>(202).ProducesProblemDetails(400).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "Complete a resumable upload: the file is taken in as POST /files takes it");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (await HttpContext.UploadOrNotFoundAsync(uploads, request.Id, User.TenantOf(), ct) is not { } upload)
            return;
        var result = await uploads.CompleteAsync(upload.Id, upload.Tenant,
            request.Parts.Select(p => new PartClaim(p.Number, p.Size, p.Etag, p.Sha256)).ToList(), ct);
        if (result.Refusal is { } refusal)
            await HttpContext.SendRefusalAsync(refusal, ct);
        else
            await IntakeAnswers.SendAsync(HttpContext, result.Value!, ct);
    }
}
