using MassTransit;
using MassTransit.Configuration;

namespace SagaFiles.Transport.AmazonSqs.Topology;

/// <summary>Message, send, publish and consume topology; send and publish are shared by the bus, consume is per endpoint.</summary>
public sealed class AmazonSqsTopologyConfiguration : ITopologyConfiguration
{
    public AmazonSqsTopologyConfiguration(IMessageTopologyConfigurator messageTopology)
    {
        Message = messageTopology;

        var send = new SendTopology();
        send.ConnectSendTopologyConfigurationObserver(new DelegateSendTopologyConfigurationObserver(GlobalTopology.Send));
        Send = send;

        Publish = new AmazonSqsPublishTopology(messageTopology);
        Publish.ConnectPublishTopologyConfigurationObserver(new DelegatePublishTopologyConfigurationObserver(GlobalTopology.Publish));
        Publish.ConnectPublishTopologyConfigurationObserver(new PublishToSendTopologyConfigurationObserver(send));

        Consume = new AmazonSqsConsumeTopology(messageTopology);
    }

    /// <summary>An endpoint's copy: shared message, send and publish topology with its own consume topology.</summary>
    public AmazonSqsTopologyConfiguration(AmazonSqsTopologyConfiguration bus)
    {
        Message = bus.Message;
        Send = bus.Send;
        Publish = bus.Publish;
        Consume = new AmazonSqsConsumeTopology(bus.Message);
    }

    public IMessageTopologyConfigurator Message { get; }

    public ISendTopologyConfigurator Send { get; }

    public AmazonSqsPublishTopology Publish { get; }

    public AmazonSqsConsumeTopology Consume { get; }

    IPublishTopologyConfigurator ITopologyConfiguration.Publish => Publish;

    IConsumeTopologyConfigurator ITopologyConfiguration.Consume => Consume;

    public IEnumerable<ValidationResult> Validate() => Send.Validate().Concat(Publish.Validate()).Concat(Consume.Validate());

    public static IMessageTopologyConfigurator CreateMessageTopology() =>
        new MessageTopology(new MessageNameFormatterEntityNameFormatter(new AmazonSqsMessageNameFormatter()));
}
