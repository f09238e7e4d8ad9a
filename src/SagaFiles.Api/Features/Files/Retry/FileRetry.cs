using System.Security.Claims;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;
using SagaFiles.Contracts;

namespace SagaFiles.Api.Features.Files.Retry;

/// <summary>
/// The one way the API retries Failed files, for one file (POST /files/{id}/retry) and many (POST /files/retry): each
/// resumes from the step that failed and records <c>note</c> in its history. An archive that failed for its children is
/// retried through them. Published through the bus outbox, so the caller's <c>SaveChangesAsync</c> sends it, and the
/// request is kept if the broker is briefly unreachable.
/// </summary>
public static class FileRetry
{
    public static Task RequestAsync(this IPublishEndpoint publish, Guid fileId, string note, TimeProvider clock, CancellationToken ct) =>
        publish.Publish(new FileRetryRequested { FileId = fileId, RequestedAt = clock.GetUtcNow(), Note = note }, ct);

    /// <summary>
    /// The files to resume for a retry of these Failed files of <paramref name="tenant" />: each one, except an archive
    /// that failed for its children (it has a child count, so its own steps succeeded), which stands for its Failed
    /// children, at any depth. Running its convert step again would only expand the same children.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> TargetsAsync(this SagaFilesDbContext db, string tenant, IReadOnlyCollection<Guid> failed, CancellationToken ct)
    {
        var failedState = FileStates.Failed;
        var targets = new List<Guid>();
        var pending = failed.Distinct().ToList();
        while (pending.Count > 0)
        {
            var archives = await db.Files.AsNoTracking().Where(f => f.Tenant == tenant && pending.Contains(f.CorrelationId) && f.ChildCount != null)
                .Select(f => f.CorrelationId).ToListAsync(ct);
            targets.AddRange(pending.Except(archives));
            pending = archives.Count == 0 ? [] : await db.Files.AsNoTracking()
                .Where(f => f.Tenant == tenant && f.ParentFileId != null && archives.Contains(f.ParentFileId.Value) && f.CurrentState == failedState)
                .Select(f => f.CorrelationId).ToListAsync(ct);
        }

        // A failed child named by a filter and by its failed archive is retried once.
        return targets.Distinct().ToList();
    }

    /// <summary>Who asks, as a history note shows it: the key's prefix (never the secret), or the token's subject.</summary>
    public static string Caller(this ClaimsPrincipal user) =>
        user.FindFirstValue(CallerClaims.KeyPrefix) is { } prefix ? $"key {prefix}"
        : (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub")) is { } subject ? $"token {subject}" : "a token";
}
