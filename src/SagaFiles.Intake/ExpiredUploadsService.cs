using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaFiles.Intake;

/// <summary>Aborts abandoned resumable uploads (<see cref="UploadOptions.ExpireAfter" />) every <see cref="UploadOptions.ExpiryScanInterval" />.</summary>
sealed class ExpiredUploadsService(IServiceScopeFactory scopes, IOptions<UploadOptions> options, TimeProvider clock, ILogger<ExpiredUploadsService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryScanInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var uploads = scope.ServiceProvider.GetRequiredService<ResumableUploads>();
                while (await uploads.ExpireAsync(cancellationToken: stoppingToken) > 0)
                {
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or storage is away for a moment: the next scan tries again.
                logger.LogWarning(exception, "Aborting expired uploads failed; trying again in {Interval}", options.Value.ExpiryScanInterval);
            }
        }
    }
}
