using Amazon.SQS;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SagaFiles.Transport.AmazonSqs;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.ServiceDefaults;

public static class DeadLetterExtensions
{
    /// <summary>
    /// <see cref="AmazonSqsDeadLetterRedrive" /> for the configured <c>Messaging:Prefix</c>, on an <see cref="IAmazonSQS" /> built
    /// from <see cref="AwsOptions" /> the way the bus builds its own.
    /// </summary>
    public static IServiceCollection AddSagaFilesDeadLetterRedrive(this IServiceCollection services)
    {
        services.TryAddSingleton<IAmazonSQS>(provider =>
        {
            var aws = provider.GetRequiredService<IOptions<AwsOptions>>().Value;
            var settings = new AmazonSqsHostSettings { Region = aws.Region, ServiceUrl = aws.ServiceURL };
            if (!string.IsNullOrEmpty(aws.AccessKey) && !string.IsNullOrEmpty(aws.SecretKey))
            {
                IAmazonSqsHostConfigurator configurator = settings;
                configurator.AccessKey(aws.AccessKey);
                configurator.SecretKey(aws.SecretKey);
            }

            return settings.CreateSqsClient();
        });
        services.TryAddSingleton(provider => new AmazonSqsDeadLetterRedrive(provider.GetRequiredService<IAmazonSQS>(),
            provider.GetRequiredService<IOptions<MessagingOptions>>().Value.Prefix));
        return services;
    }
}
