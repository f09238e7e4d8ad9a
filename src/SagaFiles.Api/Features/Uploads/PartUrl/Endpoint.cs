using FastEndpoints;
using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Uploads.PartUrl;

/// <summary>
/// GET /uploads/{id}/parts/{n}/url: a presigned link to PUT part n straight to storage (the bytes skip the API). Storage
/// answers the part's ETag; list it with the part's size in the completion, since the API never sees those bytes.
/// </summary>
public sealed class Endpoint(ResumableUploads uploads) : Endpoint<PartRequest, Response>
{
    public override void Configure()
    {
        Get("/uploads/{id:guid}/parts/{n:int}/url");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<Response>().ProducesProblemDetails(400).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "A presigned URL to send one part straight to storage");
    }

    public override async Task HandleAsync(PartRequest request, CancellationToken ct)
    {
        if (await HttpContext.UploadOrNotFoundAsync(uploads, request.Id, User.TenantOf(), ct) is not { } upload)
            return;
        var result = await uploads.GetPartUrlAsync(upload, request.N, ct);
        if (result.Refusal is { } refusal)
            await HttpContext.SendRefusalAsync(refusal, ct);
        else
            await Send.OkAsync(new Response(result.Value!.Url.ToString(), "PUT", result.Value.Number, result.Value.Size, result.Value.ExpiresAt), ct);
    }
}

/// <summary>Send exactly <paramref name="Size" /> bytes with <paramref name="Method" /> to <paramref name="Url" /> before <paramref name="ExpiresAt" />.</summary>
public sealed record Response(string Url, string Method, int Number, long Size, DateTimeOffset ExpiresAt);
