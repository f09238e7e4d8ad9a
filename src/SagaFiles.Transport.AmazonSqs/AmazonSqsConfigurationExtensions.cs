using SagaFiles.Transport.AmazonSqs.Configuration;

// Same namespace and names as MassTransit.AmazonSQS, so moving to the official package changes package references only.
// ReSharper disable once CheckNamespace
namespace MassTransit;

public static class AmazonSqsConfigurationExtensions
{
    /// <summary>Uses Amazon SQS (queues) and SNS (topics) as the bus's transport.</summary>
    public static void UsingAmazonSqs(this IBusRegistrationConfigurator configurator,
        Action<IBusRegistrationContext, IAmazonSqsBusFactoryConfigurator>? configure = null) =>
        configurator.SetBusFactory(new AmazonSqsRegistrationBusFactory(configure));
}
