namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>
/// The SNS operations the transport uses (Query protocol, API version 2010-03-31). Failures from SNS surface as
/// <see cref="AmazonSnsException" />; requests that break SNS limits are rejected before sending with
/// <see cref="AmazonSnsValidationException" />. Convenience overloads are in <see cref="AmazonSnsClientExtensions" />.
/// </summary>
public interface IAmazonSnsClient
{
    /// <summary>Creates the topic, or returns the existing topic's ARN (SNS CreateTopic is idempotent for equal attributes).</summary>
    Task<string> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken = default);

    /// <summary>Subscribes <paramref name="endpoint" /> and returns the subscription ARN (ReturnSubscriptionArn=true is always sent).</summary>
    Task<string> SubscribeAsync(string topicArn, string protocol, string endpoint, IReadOnlyDictionary<string, string>? attributes,
        CancellationToken cancellationToken = default);

    Task UnsubscribeAsync(string subscriptionArn, CancellationToken cancellationToken = default);

    /// <summary>One page of the topic's subscriptions; pass the previous page's NextToken to continue.</summary>
    Task<SnsSubscriptionPage> ListSubscriptionsByTopicAsync(string topicArn, string? nextToken, CancellationToken cancellationToken = default);

    Task SetSubscriptionAttributesAsync(string subscriptionArn, string attributeName, string attributeValue,
        CancellationToken cancellationToken = default);

    /// <summary>Publishes one message and returns its MessageId.</summary>
    Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>Publishes 1-10 messages in one call; entries can fail individually (see <see cref="SnsPublishBatchResult.Failed" />).</summary>
    Task<SnsPublishBatchResult> PublishBatchAsync(string topicArn, IReadOnlyList<SnsPublishBatchEntry> entries,
        CancellationToken cancellationToken = default);

    Task DeleteTopicAsync(string topicArn, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<string, string>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken = default);
}
