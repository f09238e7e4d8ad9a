using System.Diagnostics.CodeAnalysis;
using MassTransit;
using MassTransit.Configuration;

namespace SagaFiles.Transport.AmazonSqs.Topology;

/// <summary>Publishing a message type means publishing to its SNS topic.</summary>
public sealed class AmazonSqsPublishTopology(IMessageTopology messageTopology) : PublishTopology
{
    public string GetTopicName<T>()
        where T : class =>
        messageTopology.GetMessageTopology<T>().EntityName;

    protected override IMessagePublishTopologyConfigurator CreateMessageTopology<T>()
    {
        var topology = new AmazonSqsMessagePublishTopology<T>(this, messageTopology.GetMessageTopology<T>());
        OnMessageTopologyCreated(topology);
        return topology;
    }

    public override IEnumerable<ValidationResult> Validate() => base.Validate();
}

public sealed class AmazonSqsMessagePublishTopology<TMessage>(IPublishTopology publishTopology, IMessageTopology<TMessage> messageTopology)
    : MessagePublishTopology<TMessage>(publishTopology)
    where TMessage : class
{
    public string TopicName => messageTopology.EntityName;

    public override bool TryGetPublishAddress(Uri baseAddress, [NotNullWhen(true)] out Uri? publishAddress)
    {
        publishAddress = AmazonSqsEndpointAddress.OnHost(baseAddress, TopicName, isTopic: true).ToUri();
        return true;
    }

    public override IEnumerable<ValidationResult> Validate()
    {
        foreach (var result in base.Validate())
            yield return result;
        if (!Exclude && AmazonSqsEntityNames.ValidateTopicName(TopicName) is { } problem)
            yield return this.Failure("Topic", problem);
    }
}
