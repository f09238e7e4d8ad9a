using MassTransit;
using MassTransit.Configuration;

namespace SagaFiles.Transport.AmazonSqs.Topology;

/// <summary>What a receive endpoint subscribes to: the topics of the message types it consumes, plus any named explicitly.</summary>
public sealed class AmazonSqsConsumeTopology(IMessageTopology messageTopology) : ConsumeTopology(AmazonSqsEntityNames.MaxQueueNameLength)
{
    readonly List<string> _explicitTopics = [];

    public void Subscribe(string topicName) => _explicitTopics.Add(topicName);

    public AmazonSqsMessageConsumeTopology<T> GetSqsMessageTopology<T>()
        where T : class =>
        (AmazonSqsMessageConsumeTopology<T>)GetMessageTopology<T>();

    /// <summary>Topic names this endpoint's queue must be subscribed to.</summary>
    public IReadOnlyCollection<string> TopicNames =>
        _explicitTopics.Concat(SelectMany<IAmazonSqsMessageConsumeTopology, string>(x => x.TopicNames)).Distinct(StringComparer.Ordinal).ToList();

    public override IEnumerable<ValidationResult> Validate() =>
        base.Validate().Concat(TopicNames.Select(AmazonSqsEntityNames.ValidateTopicName).OfType<string>()
            .Select(problem => this.Failure("Subscription", problem)));

    protected override IMessageConsumeTopologyConfigurator CreateMessageTopology<T>()
    {
        var topology = new AmazonSqsMessageConsumeTopology<T>(messageTopology.GetMessageTopology<T>());
        OnMessageTopologyCreated(topology);
        return topology;
    }
}

public interface IAmazonSqsMessageConsumeTopology
{
    IEnumerable<string> TopicNames { get; }
}

public sealed class AmazonSqsMessageConsumeTopology<TMessage>(IMessageTopology<TMessage> messageTopology)
    : MessageConsumeTopology<TMessage>, IAmazonSqsMessageConsumeTopology
    where TMessage : class
{
    bool _subscribed;

    public IEnumerable<string> TopicNames => _subscribed ? [messageTopology.EntityName] : [];

    /// <summary>Subscribes the endpoint's queue to this message type's topic.</summary>
    public void Subscribe()
    {
        if (IsBindableMessageType)
            _subscribed = true;
    }
}
