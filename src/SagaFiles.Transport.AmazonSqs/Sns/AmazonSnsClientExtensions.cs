namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>The shapes the transport calls most: default attributes, SQS raw-delivery subscriptions, string headers, all pages.</summary>
public static class AmazonSnsClientExtensions
{
    public static Task<string> CreateTopicAsync(this IAmazonSnsClient client, string name, CancellationToken cancellationToken = default) =>
        client.CreateTopicAsync(name, null, cancellationToken);

    /// <summary>Subscribes an SQS queue with RawMessageDelivery=true: the queue receives the published body and attributes as they are.</summary>
    public static Task<string> SubscribeQueueAsync(this IAmazonSnsClient client, string topicArn, string queueArn,
        CancellationToken cancellationToken = default) =>
        client.SubscribeAsync(topicArn, "sqs", queueArn, new Dictionary<string, string> { ["RawMessageDelivery"] = "true" }, cancellationToken);

    /// <summary>Publishes with String attributes. Empty values are rejected (SNS and SQS refuse them): leave such headers out.</summary>
    public static Task<string> PublishAsync(this IAmazonSnsClient client, string topicArn, string message,
        IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default) =>
        client.PublishAsync(new SnsPublishRequest(topicArn, message)
        {
            MessageAttributes = attributes.ToDictionary(a => a.Key, a => SnsMessageAttribute.String(a.Value), StringComparer.Ordinal)
        }, cancellationToken);

    /// <summary>Every subscription of the topic, following NextToken to the last page.</summary>
    public static async Task<IReadOnlyList<SnsSubscription>> ListAllSubscriptionsByTopicAsync(this IAmazonSnsClient client, string topicArn,
        CancellationToken cancellationToken = default)
    {
        var all = new List<SnsSubscription>();
        string? nextToken = null;
        do
        {
            var page = await client.ListSubscriptionsByTopicAsync(topicArn, nextToken, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Subscriptions);
            nextToken = page.NextToken;
        } while (nextToken != null);

        return all;
    }
}
