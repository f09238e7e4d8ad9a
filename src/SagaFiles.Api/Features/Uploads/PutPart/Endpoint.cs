using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Components.Data;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.PutPart;

/// <summary>
/// PUT /uploads/{id}/parts/{n}: one part, the raw body, exactly the size the upload gives it; sent again, it replaces the
/// part. Parts come in any order. An optional <c>Content-Digest: sha-256=:base64:</c> header is checked against the bytes.
/// Without a request DTO: the body is the part, whatever media type a client labels it with, and no binder may read it
/// first (a form content type would be read as a form). The route's values are checked as <see cref="PartRequest" />'s are.
/// </summary>
public sealed class Endpoint(ResumableUploads uploads) : EndpointWithoutRequest<PartResponse>
{
    /// <summary>The largest part the settings allow (Uploads:PartSize), with room for nothing else.</summary>
    const long MaxPartBytes = 64 * 1024 * 1024;

    public override void Configure()
    {
        Put("/uploads/{id:guid}/parts/{n:int}");
        Policies(ApiScopes.FilesWrite);
        MaxRequestBodySize(MaxPartBytes + 1);
        // No Accepts metadata: routing would refuse (415) a part sent without that exact media type.
        Description(d => d.Produces<PartResponse>().ProducesProblemDetails(400)
            .ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s =>
        {
            s.Summary = "Send one part of a resumable upload";
            s.Description = "The raw body is the part (any media type): exactly partSize bytes, the rest of the file for the last part. "
                + "Optional header Content-Digest: sha-256=:<base64>: is checked against the bytes.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var request = new PartRequest { Id = Route<Guid>("id"), N = Route<int>("n") };
        if ((await new PartRequest.Validator().ValidateAsync(request, ct)).Errors is { Count: > 0 } errors)
        {
            ValidationFailures.AddRange(errors);
            await Send.ErrorsAsync(400, ct);
            return;
        }

        if (await HttpContext.UploadOrNotFoundAsync(uploads, request.Id, User.TenantOf(), ct) is not { } upload)
            return;
        if (ContentDigest.TryReadSha256(HttpContext.Request.Headers, out var sha256) is { } digestProblem)
        {
            AddError(new ValidationFailure(ContentDigest.Header, digestProblem));
            await Send.ErrorsAsync(400, ct);
            return;
        }

        UploadResult<UploadPart> result;
        try
        {
            result = await uploads.PutPartAsync(upload, request.N, HttpContext.Request.Body, HttpContext.Request.ContentLength, sha256, ct);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException && HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-part: nothing was kept, and there is no one to answer. It resumes from GET /uploads/{id}.
            Logger.LogInformation("Part {Part} of upload {UploadId} broken off by the client", request.N, request.Id);
            return;
        }

        if (result.Refusal is { } refusal)
            await HttpContext.SendRefusalAsync(refusal, ct);
        else
            await Send.OkAsync(PartResponse.From(result.Value!), ct);
    }
}
