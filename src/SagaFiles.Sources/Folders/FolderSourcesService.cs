using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaFiles.Sources.Folders;

/// <summary>Runs a <see cref="FolderSource" /> for each of <c>Sources:Folders</c>.</summary>
sealed class FolderSourcesService(IOptions<SourcesOptions> options, IServiceScopeFactory scopes, TimeProvider clock, ILogger<FolderSourcesService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var folder in options.Value.Folders)
            logger.LogInformation("Watching {Folder} for tenant {Tenant} (complete after {StableFor} unchanged, listed every {RescanInterval})",
                folder.Path, folder.Tenant, folder.StableFor, folder.RescanInterval);
        return Task.WhenAll(options.Value.Folders.Select(folder => new FolderSource(folder, scopes, clock, logger).RunAsync(stoppingToken)));
    }
}
