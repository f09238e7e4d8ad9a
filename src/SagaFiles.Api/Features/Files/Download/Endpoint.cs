using SagaFiles.Components.Consumers;
using FastEndpoints;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Files.Download;

/// <summary>The presigned URL, for <c>link=true</c>.</summary>
public sealed record DownloadLink(string Url);

/// <summary>GET /files/{id}/download?what=original|result&amp;name=&amp;link=: a redirect to a short-lived presigned URL (or the URL, with link=true).</summary>
public sealed class Endpoint(SagaFilesDbContext db, IObjectStore store, OutputManifests manifests, IOptions<StorageOptions> storage)
    : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/files/{id:guid}/download");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces(302).Produces<DownloadLink>(200).ProducesProblemDetails(400).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "Download the original or the result (redirect to a presigned URL)");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, HttpContext.FilesTenant(), ct) is not { } file)
            return;

        string bucket, key, name;
        if (request.What == "original")
            (bucket, key, name) = (file.SourceBucket, file.SourceKey, file.OriginalName);
        else if (file.CurrentState != FileStates.Completed || file is { Outputs.Count: 0, OutputManifest: null })
        {
            AddError(x => x.What, file.ChildCount != null
                ? "The file is an archive: its entries are files of their own (see /files?parent=)."
                : "The file has no result yet: it is not Completed.");
            await Send.ErrorsAsync(409, ct);
            return;
        }
        else
        {
            var outputs = await manifests.ReadAsync(file.Outputs, file.OutputManifest, ct);
            var output = request.Name == null && outputs.Count == 1
                ? outputs[0]
                : outputs.FirstOrDefault(o => o.Name == request.Name);
            if (output == null)
            {
                AddError(x => x.Name!, $"Name one of the file's {outputs.Count} results: {string.Join(", ", outputs.Select(o => o.Name))}.");
                await Send.ErrorsAsync(400, ct);
                return;
            }

            (bucket, key, name) = (output.Bucket, output.Key, output.Name);
        }

        var url = store.GetDownloadUrl(bucket, key, storage.Value.PresignedUrlLifetime, name).ToString();
        if (request.Link)
            await Send.OkAsync(new DownloadLink(url), ct);
        else
            await Send.RedirectAsync(url, isPermanent: false, allowRemoteRedirects: true);
    }
}
