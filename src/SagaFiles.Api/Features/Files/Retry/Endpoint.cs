using FastEndpoints;
using FluentValidation.Results;
using MassTransit;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Retry;

/// <summary>
/// POST /files/{id}/retry: a Failed file of the caller's tenant is processed again from the step that failed; an archive
/// that failed for its children retries its Failed children.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, IPublishEndpoint publish, TimeProvider clock) : Endpoint<Get.Request, Upload.Response>
{
    public override void Configure()
    {
        Post("/files/{id:guid}/retry");
        Policies(ApiScopes.FilesWrite);
        Description(d => d.Produces<Upload.Response>(202).ProducesProblemDetails(404).ProducesProblemDetails(409));
        Summary(s => s.Summary = "Retry a Failed file from the step that failed (an archive: its failed children)");
    }

    public override async Task HandleAsync(Get.Request request, CancellationToken ct)
    {
        // The caller's own tenant, even for an admin: ?tenant= shows another tenant's files, it does not act on them.
        var tenant = User.TenantOf();
        if (await HttpContext.FileOrNotFoundAsync(db, request.Id, tenant, ct) is not { } file)
            return;

        if (FileStates.StatusOf(file.CurrentState) is var status and not FileStatus.Failed)
        {
            AddError(new ValidationFailure("id", $"Only a Failed file can be retried; this one is {status}."));
            await Send.ErrorsAsync(409, ct);
            return;
        }

        var targets = await db.TargetsAsync(tenant, [file.CorrelationId], ct);
        if (targets.Count == 0)
        {
            AddError(new ValidationFailure("id", "None of the archive's files is Failed any more: they are being retried."));
            await Send.ErrorsAsync(409, ct);
            return;
        }

        var note = targets.SequenceEqual([file.CorrelationId])
            ? $"Retry requested by {User.Caller()}."
            : $"Retry of archive {file.CorrelationId} requested by {User.Caller()}.";
        foreach (var target in targets)
            await publish.RequestAsync(target, note, clock, ct);
        await db.SaveChangesAsync(ct);
        HttpContext.Response.Headers.Location = $"/files/{file.CorrelationId}";
        await Send.ResponseAsync(new Upload.Response(file.CorrelationId, FileStatus.Failed, file.OriginalName, file.Size, FileLinks.For(file.CorrelationId)),
            202, ct);
    }
}
