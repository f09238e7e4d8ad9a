using SagaFiles.Transport.AmazonSqs;

namespace MassTransit;

public interface IAmazonSqsBusFactoryConfigurator : IBusFactoryConfigurator<IAmazonSqsReceiveEndpointConfigurator>
{
    /// <summary>Configures the AWS region and credentials, as <c>cfg.Host("us-east-1", h => ...)</c> does in MassTransit.AmazonSQS.</summary>
    void Host(string region, Action<IAmazonSqsHostConfigurator>? configure = null);

    void Host(AmazonSqsHostSettings settings);

    /// <summary>
    /// Makes sure, when the bus starts, that <paramref name="queueName" /> exists and is subscribed to the topic of
    /// <typeparamref name="T" />, without consuming from it. A publisher declares the queues of the consumers it publishes
    /// to, so what it publishes before the first consumer process ever started waits in the queue instead of being dropped
    /// by a topic with no subscribers.
    /// </summary>
    void DeclareSubscription<T>(string queueName)
        where T : class;
}
