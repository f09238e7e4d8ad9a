using SagaFiles.Storage;

namespace SagaFiles.Api;

/// <summary>Creates the incoming, staging and processed buckets when missing, before the API takes uploads.</summary>
sealed class EnsureBucketsOnStart(IObjectStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureBucketsAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
