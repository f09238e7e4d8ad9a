using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Sources.Folders;

namespace SagaFiles.Sources.Buckets;

/// <summary>
/// Readiness of the bucket sources (<c>bucket-sources</c> in <c>/health/ready</c>): Degraded, naming each source, while its
/// last listing failed (a missing bucket, access denied: read from <c>bucket_cursors</c>, so every instance tells the same,
/// whichever one listed) or this instance cannot read a notification queue. Degraded, not Unhealthy: the API still serves
/// everything else, and the source is tried again on its schedule.
/// </summary>
sealed class BucketSourceHealth(IOptions<SourcesOptions> options, IServiceScopeFactory scopes) : IHealthCheck
{
    readonly ConcurrentDictionary<string, string> _queues = new(StringComparer.Ordinal);

    public void QueueFailed(string queue, string problem) => _queues[queue] = problem;

    public void QueueAnswered(string queue) => _queues.TryRemove(queue, out _);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sources = options.Value.Buckets.Select(b => b.Name).ToList();
        if (sources.Count == 0)
            return HealthCheckResult.Healthy("No bucket sources.");
        await using var scope = scopes.CreateAsyncScope();
        var failing = await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketCursors.AsNoTracking()
            .Where(c => sources.Contains(c.Source) && c.Error != null).OrderBy(c => c.Source).Select(c => $"{c.Source}: {c.Error}").ToListAsync(cancellationToken);
        failing.AddRange(_queues.Values.Order());
        return failing.Count == 0
            ? HealthCheckResult.Healthy($"{sources.Count} bucket source(s).")
            : HealthCheckResult.Degraded(string.Join(" ", failing));
    }
}
