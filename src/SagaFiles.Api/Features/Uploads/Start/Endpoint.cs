using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Api.Features.Files.Upload;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.Start;

/// <summary>
/// POST /uploads: starts a resumable upload of a file too large for one request. Answers 201 with the upload's id, the
/// part size and the parts to send; with an <c>Idempotency-Key</c> seen before, the upload that key started.
/// </summary>
public sealed class Endpoint(ResumableUploads uploads) : Endpoint<Request, UploadResponse>
{
    public override void Configure()
    {
        Post("/uploads");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<UploadResponse>(201).ProducesProblemDetails(400));
        Summary(s =>
        {
            s.Summary = "Start a resumable upload";
            s.Description = "Declare the file's name, exact size, content type and tags; send its parts with PUT /uploads/{id}/parts/{n} "
                + "(or straight to storage through GET /uploads/{id}/parts/{n}/url), then POST /uploads/{id}/complete. Every part but the "
                + "last has the answered partSize. An Idempotency-Key header seen before answers with the upload it started.";
        });
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (IdempotencyKey.TryRead(HttpContext.Request.Headers, out var idempotencyKey) is { } keyProblem)
        {
            AddError(new ValidationFailure(IdempotencyKey.Header, keyProblem));
            await Send.ErrorsAsync(400, ct);
            return;
        }

        var result = await uploads.StartAsync(new UploadStart
        {
            Name = request.Name, Size = request.Size, ContentType = request.ContentType, Tags = IntakeTags.From(request.Tags),
            IdempotencyKey = idempotencyKey, Tenant = User.TenantOf(), UploadedBy = User.UploaderOf()
        }, ct);
        if (result.Refusal is { } refusal)
        {
            await HttpContext.SendRefusalAsync(refusal, ct);
            return;
        }

        var (upload, replayed) = result.Value!;
        if (replayed)
            HttpContext.Response.Headers[IdempotencyKey.ReplayedHeader] = "true";
        HttpContext.Response.Headers.Location = $"/uploads/{upload.Id}";
        await Send.ResponseAsync(UploadResponse.From(upload), 201, ct);
    }
}
