using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// Deletes the tenant streams' events (<c>file_events</c>) older than <c>Progress:EventRetention</c> (default 1 day), every
/// hour or tenth of the retention, noting per tenant the newest position deleted: a client resuming from an older
/// position gets <c>event: reset</c> (<see cref="ProgressFeed.ResumeTenant" />). Any number of instances may run it.
/// </summary>
public sealed class FileEventCleanup(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<FileEventCleanup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = configuration.GetValue("Progress:EventRetention", TimeSpan.FromDays(1));
        if (retention <= TimeSpan.Zero)
            throw new InvalidOperationException("Progress:EventRetention must be positive.");
        using var timer = new PeriodicTimer(TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, retention.Ticks / 10)), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
                var deleted = await DeleteOlderThanAsync(db, clock.GetUtcNow() - retention, stoppingToken);
                if (deleted > 0)
                    logger.LogInformation("Deleted {Count} file events older than {Retention}", deleted, retention);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not delete old file events; trying again later");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Deletes the events older than <paramref name="before" /> and moves each tenant's horizon (<c>file_event_horizons</c>)
    /// up to the newest position deleted, in one statement, so no stream can resume past a deletion without seeing it.
    /// </summary>
    /// <returns>The events deleted.</returns>
    public static async Task<long> DeleteOlderThanAsync(SagaFilesDbContext db, DateTimeOffset before, CancellationToken ct) =>
        // Read as a list, not composed (SingleAsync would wrap it in a subquery, where Postgres refuses a data-modifying WITH).
        (await db.Database.SqlQuery<long>($"""
            WITH deleted AS (DELETE FROM file_events WHERE at < {before} AND position IS NOT NULL RETURNING tenant, position),
                 horizons AS (
                     INSERT INTO file_event_horizons (tenant, deleted_through)
                     SELECT tenant, max(position) FROM deleted GROUP BY tenant
                     ON CONFLICT (tenant) DO UPDATE SET deleted_through = GREATEST(file_event_horizons.deleted_through, EXCLUDED.deleted_through))
            SELECT count(*) AS "Value" FROM deleted
            """).ToListAsync(ct)).Single();
}
