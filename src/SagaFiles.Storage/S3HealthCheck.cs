using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace SagaFiles.Storage;

/// <summary>Ready when the incoming, staging and processed buckets all exist and can be listed.</summary>
public sealed class S3HealthCheck(S3ObjectStore store, IOptions<StorageOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var missing = new List<string>();
            foreach (var bucket in options.Value.Buckets)
            {
                if (!await store.BucketExistsAsync(bucket, cancellationToken).ConfigureAwait(false))
                    missing.Add(bucket);
            }

            return missing.Count == 0
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, $"Missing bucket(s): {string.Join(", ", missing)}.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "S3 did not answer.", e);
        }
    }
}
