using SagaFiles.Transport.AmazonSqs;

namespace MassTransit;

public interface IAmazonSqsBusFactoryConfigurator : IBusFactoryConfigurator<IAmazonSqsReceiveEndpointConfigurator>
{
    /// <summary>Configures the AWS region and credentials, as <c>cfg.Host("us-east-1", h => ...)</c> does in MassTransit.AmazonSQS.</summary>
    void Host(string region, Action<IAmazonSqsHostConfigurator>? configure = null);

    void Host(AmazonSqsHostSettings settings);
}
