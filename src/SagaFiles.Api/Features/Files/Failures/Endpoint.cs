using FastEndpoints;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;
using RetryFilter = SagaFiles.Api.Features.Files.RetryMany.Request;

namespace SagaFiles.Api.Features.Files.Failures;

/// <summary>GET /files/failures: the tenant's Failed files grouped by the step they stopped at and the reason, counted in SQL.</summary>
public sealed class Endpoint(SagaFilesDbContext db) : Endpoint<Request, Response>
{
    /// <summary>What POST /files/retry accepts as a reason.</summary>
    const int MaxReasonFilter = 500;

    public override void Configure()
    {
        Get("/files/failures");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(400));
        Summary(s => s.Summary = "Failed files grouped by step and reason, each with the POST /files/retry filter that retries the group");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        var failedState = FileStates.Failed;
        var failed = db.Files.AsNoTracking().Where(x => x.Tenant == tenant && x.CurrentState == failedState);
        // A Failed file's record last changed when it failed.
        var groups = await failed.GroupBy(x => new { x.CurrentStep, x.ErrorMessage })
            .Select(g => new { g.Key.CurrentStep, g.Key.ErrorMessage, Files = g.Count(), First = g.Min(x => x.UpdatedAt), Last = g.Max(x => x.UpdatedAt) })
            .OrderByDescending(g => g.Files).ThenByDescending(g => g.Last).Take(request.Limit).ToListAsync(ct);
        var total = await failed.CountAsync(ct);
        await Send.OkAsync(new Response(groups.Select(g => new FailureGroup(g.CurrentStep, g.ErrorMessage, g.Files, g.First, g.Last, new RetryFilter
        {
            Status = FileStatus.Failed,
            Step = g.CurrentStep,
            Reason = string.IsNullOrWhiteSpace(g.ErrorMessage) ? null : g.ErrorMessage[..Math.Min(g.ErrorMessage.Length, MaxReasonFilter)]
        })).ToList(), total), ct);
    }
}
