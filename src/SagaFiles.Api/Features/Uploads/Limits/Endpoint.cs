using FastEndpoints;
using Microsoft.Extensions.Options;
using SagaFiles.Intake;
using SagaFiles.Storage;

namespace SagaFiles.Api.Features.Uploads.Limits;

/// <summary>
/// GET /uploads/limits: how large a file each door takes and the resumable route's part size, as this API is configured, so a
/// client (the dashboard) picks the route from the server's settings rather than a number of its own.
/// </summary>
public sealed class Endpoint(IOptions<StorageOptions> storage, IOptions<UploadOptions> uploads) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/uploads/limits");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<Response>(200));
        Summary(s => s.Summary = "The largest plain upload (POST /files), the largest file at all (POST /uploads) and the part size");
    }

    public override Task HandleAsync(CancellationToken ct) =>
        Send.OkAsync(new Response(storage.Value.MaxUploadBytes, storage.Value.MaxFileBytes, uploads.Value.PartSize), ct);
}

/// <param name="MaxUploadBytes">Storage:MaxUploadBytes: the largest file one POST /files takes (413 above).</param>
/// <param name="MaxFileBytes">Storage:MaxFileBytes: the largest file POST /uploads takes.</param>
/// <param name="PartSize">Uploads:PartSize: the size of a resumable upload's parts (larger for a file that would need more than 10,000).</param>
public sealed record Response(long MaxUploadBytes, long MaxFileBytes, long PartSize);
