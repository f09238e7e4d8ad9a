using FastEndpoints;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Files.Download;

/// <summary>GET /files/{id}/download?what=original|result: a redirect to a short-lived presigned URL.</summary>
public sealed class Endpoint(SagaFilesDbContext db, IObjectStore store, IOptions<StorageOptions> storage) : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/files/{id:guid}/download");
        AllowAnonymous();
        Description(d => d.Produces(302).ProducesProblemDetails(400).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "Download the original or the result (redirect to a presigned URL)");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var file = await db.Files.ReadAsync(request.Id, ct);
        if (file == null)
        {
            await Send.NotFoundAsync(ct);
            return;
        }

        var (bucket, key, name) = request.What == "original"
            ? (file.SourceBucket, file.SourceKey, file.OriginalName)
            : (file.OutputBucket, file.OutputKey, file.ResultName);
        if (bucket == null || key == null)
        {
            AddError(x => x.What, "The file has no result yet: it is not Completed.");
            await Send.ErrorsAsync(409, ct);
            return;
        }

        await Send.RedirectAsync(store.GetDownloadUrl(bucket, key, storage.Value.PresignedUrlLifetime, name).ToString(), isPermanent: false,
            allowRemoteRedirects: true);
    }
}
