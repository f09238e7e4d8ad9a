using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>Send transports for queue and topic addresses; publish transports for a message type's topic.</summary>
public sealed class SqsTransportProvider(
    IHostConfiguration hostConfiguration,
    ReceiveEndpointContext context,
    AmazonSqsClientContext client,
    AmazonSqsPublishTopology publishTopology,
    TimeProvider timeProvider)
    : ISendTransportProvider, IPublishTransportProvider
{
    public Uri NormalizeAddress(Uri address) => AmazonSqsEndpointAddress.Parse(hostConfiguration.HostAddress, address).ToUri();

    public Task<ISendTransport> GetSendTransport(Uri address) =>
        Task.FromResult(Create(AmazonSqsEndpointAddress.Parse(hostConfiguration.HostAddress, address)));

    public Task<ISendTransport> GetPublishTransport<T>(Uri? publishAddress)
        where T : class
    {
        var topic = AmazonSqsEndpointAddress.OnHost(hostConfiguration.HostAddress, publishTopology.GetTopicName<T>(), isTopic: true);
        return Task.FromResult(Create(topic));
    }

    ISendTransport Create(AmazonSqsEndpointAddress address) =>
        new SendTransport<AmazonSqsClientContext>(new SqsSendTransportContext(hostConfiguration, context, client, address, timeProvider));
}
