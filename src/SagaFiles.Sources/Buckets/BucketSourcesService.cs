using Amazon.S3;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Sources.Folders;

namespace SagaFiles.Sources.Buckets;

/// <summary>Runs a <see cref="BucketLister" /> for each of <c>Sources:Buckets</c> and a <see cref="BucketNotifications" /> reader for each queue they name.</summary>
sealed class BucketSourcesService(IOptions<SourcesOptions> options, IConfiguration configuration, IServiceProvider services, IServiceScopeFactory scopes,
    BucketSourceHealth health, TimeProvider clock, ILogger<BucketSourcesService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sources = options.Value.Buckets;
        if (sources.Count == 0)
            return Task.CompletedTask;
        var connectionString = configuration.GetConnectionString(DatabaseRegistration.ConnectionStringName)!;
        var s3 = services.GetRequiredService<IAmazonS3>();
        foreach (var source in sources)
            logger.LogInformation("Bucket source {Source} for tenant {Tenant}: listed on {Schedule} (UTC){Notified}", source.Name, source.Tenant,
                source.Schedule, source.Queue is null ? "" : $", notified through {source.Queue}");
        var listers = sources.Select(source => new BucketLister(source, connectionString, s3, scopes, clock, logger).RunAsync(stoppingToken));
        var readers = sources.Where(s => s.Queue is not null).GroupBy(s => s.Queue!).Select(queue =>
            new BucketNotifications(queue.Key, queue.ToList(), services.GetRequiredService<IAmazonSQS>(), s3, scopes, health, clock, logger).RunAsync(stoppingToken));
        return Task.WhenAll(listers.Concat(readers));
    }
}
