using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SagaFiles.Storage;

namespace SagaFiles.ServiceDefaults;

public static class StorageExtensions
{
    /// <summary>
    /// Object storage for a SagaFiles host: validated <see cref="StorageOptions" /> (section <c>Storage</c>), one
    /// <see cref="IAmazonS3" /> from <see cref="AwsOptions" /> (an emulator's ServiceURL gets path-style addressing; explicit
    /// keys, else the default credential chain), <see cref="IObjectStore" /> and <see cref="IMultipartStore" />, and an <c>s3</c> readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddSagaFilesStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.TryAddSingleton<IAmazonS3>(services =>
        {
            var aws = services.GetRequiredService<IOptions<AwsOptions>>().Value;
            var credentials = !string.IsNullOrEmpty(aws.AccessKey) && !string.IsNullOrEmpty(aws.SecretKey)
                ? new BasicAWSCredentials(aws.AccessKey, aws.SecretKey)
                : null;
            return S3ClientFactory.Create(aws.Region, aws.ServiceURL, credentials);
        });
        builder.Services.TryAddSingleton<S3ObjectStore>();
        builder.Services.TryAddSingleton<IObjectStore>(services => services.GetRequiredService<S3ObjectStore>());
        builder.Services.TryAddSingleton<IMultipartStore>(services => services.GetRequiredService<S3ObjectStore>());
        builder.Services.AddHealthChecks().AddCheck<S3HealthCheck>("s3", tags: [HealthExtensions.ReadyTag]);
        return builder;
    }
}
