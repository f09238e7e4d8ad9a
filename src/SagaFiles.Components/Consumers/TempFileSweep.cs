using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaFiles.Processing;

namespace SagaFiles.Components.Consumers;

/// <summary>At start-up, removes the temp files of workers that were killed before they could close them.</summary>
sealed class TempFileSweep(ILogger<TempFileSweep> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var removed = TempFile.RemoveLeftovers();
        if (removed > 0)
            logger.LogInformation("Removed the temp files of {Count} workers that are gone", removed);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
