using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>
/// Deletes the tenant streams' events (<c>file_events</c>) older than <c>Progress:EventRetention</c> (default 1 day), every
/// hour or tenth of the retention: a client resuming from an older position gets what is left. Any number of instances
/// may run it.
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
                var before = clock.GetUtcNow() - retention;
                var deleted = await db.FileEvents.Where(e => e.At < before).ExecuteDeleteAsync(stoppingToken);
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
}
