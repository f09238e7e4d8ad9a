using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MassTransit;
using MassTransit.Middleware;
using SagaFiles.Transport.AmazonSqs.Sns;
using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// The broker as the transport uses it: queues, topics and subscriptions created on first use (idempotently, cached
/// per process), sends, publishes, receives and deletes, batched per queue or topic (<see cref="AmazonSqsBatching" />). One per bus.
/// </summary>
public sealed class AmazonSqsClientContext : BasePipeContext, IAsyncDisposable
{
    /// <summary>The queue gets the published message body as is, with its message attributes, not wrapped in an SNS envelope.</summary>
    static readonly Dictionary<string, string> RawDelivery = new() { ["RawMessageDelivery"] = "true" };

    /// <summary>Read-check-write rounds for a queue policy that other processes may be writing at the same time.</summary>
    const int PolicyAttempts = 5;

    readonly ConcurrentDictionary<string, SqsDeleteBatcher> _deleteBatchers = new();
    readonly ConcurrentDictionary<string, SqsSendBatcher> _sendBatchers = new();
    readonly ConcurrentDictionary<string, SnsPublishBatcher> _publishBatchers = new();
    readonly ConcurrentDictionary<string, Lazy<Task<SqsQueue>>> _queues = new();
    readonly ConcurrentDictionary<string, Lazy<Task<string>>> _topics = new();

    public AmazonSqsClientContext(IAmazonSQS sqs, IAmazonSnsClient sns, AmazonSqsHostSettings settings)
        : base(CancellationToken.None)
    {
        Sqs = sqs;
        Sns = sns;
        Settings = settings;
    }

    public IAmazonSQS Sqs { get; }

    public IAmazonSnsClient Sns { get; }

    public AmazonSqsHostSettings Settings { get; }

    /// <summary>The queue, created with <paramref name="options" /> if it does not exist (an existing queue keeps its settings).</summary>
    public Task<SqsQueue> GetQueue(string name, SqsQueueOptions options, CancellationToken cancellationToken) =>
        Cached(_queues, name, () => GetOrCreateQueue(name, options, cancellationToken));

    /// <summary>The topic's ARN, cached for the bus's life or until <see cref="EvictTopic" /> (a topic found deleted).</summary>
    public Task<string> GetTopicArn(string name, CancellationToken cancellationToken) =>
        Cached(_topics, name, async () => await Sns.CreateTopicAsync(name, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Forgets a cached topic ARN, so the next use resolves (and if need be creates) the topic again.</summary>
    public void EvictTopic(string topicName) => _topics.TryRemove(topicName, out _);

    /// <summary>
    /// Lets the topics send to the queue (merged into its access policy, by exact ARN) and subscribes the queue to them
    /// with raw delivery. A subscription that exists with other attributes is repaired in place (no unsubscribe: that
    /// would drop what is published meanwhile); one that cannot be repaired fails with the reason.
    /// </summary>
    public async Task Subscribe(SqsQueue queue, IReadOnlyCollection<string> topicNames, CancellationToken cancellationToken)
    {
        if (topicNames.Count == 0)
            return;

        var topicArns = await Task.WhenAll(topicNames.Select(topic => GetTopicArn(topic, cancellationToken))).ConfigureAwait(false);
        await AllowTopics(queue, topicArns, cancellationToken).ConfigureAwait(false);

        foreach (var topicArn in topicArns)
        {
            try
            {
                await Sns.SubscribeAsync(topicArn, "sqs", queue.Arn, RawDelivery, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonSnsException exception) when (exception.Code == "InvalidParameter"
                && exception.ErrorMessage.Contains("different attributes", StringComparison.OrdinalIgnoreCase))
            {
                await RepairSubscription(topicArn, queue, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Merges this transport's statement (the topics by exact ARN) into the queue's policy, keeping every other statement.
    /// Processes subscribing the same queue at once could overwrite each other's write: each round re-reads the policy and
    /// ends only when it allows every topic.
    /// </summary>
    async Task AllowTopics(SqsQueue queue, IReadOnlyCollection<string> topicArns, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= PolicyAttempts; attempt++)
        {
            var current = await Sqs.GetQueueAttributesAsync(queue.Url, [QueueAttributeName.Policy], cancellationToken).ConfigureAwait(false);
            var merged = SqsQueuePolicy.Merge(current.Attributes.GetValueOrDefault(QueueAttributeName.Policy), queue.Arn, topicArns);
            if (merged == null)
                return;
            await Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
            {
                QueueUrl = queue.Url,
                Attributes = new Dictionary<string, string> { [QueueAttributeName.Policy] = merged }
            }, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 250) * (attempt - 1)), cancellationToken).ConfigureAwait(false);
        }

        throw new AmazonSqsTransportException(
            $"The access policy of queue {queue.Name} still lacks topics after {PolicyAttempts} merges (another writer keeps replacing it): "
            + string.Join(", ", topicArns));
    }

    /// <summary>Sets the attributes this transport subscribes with on the queue's existing subscription to the topic.</summary>
    async Task RepairSubscription(string topicArn, SqsQueue queue, CancellationToken cancellationToken)
    {
        string? nextToken = null;
        do
        {
            var page = await Sns.ListSubscriptionsByTopicAsync(topicArn, nextToken, cancellationToken).ConfigureAwait(false);
            foreach (var subscription in page.Subscriptions.Where(s => s.Protocol == "sqs" && s.Endpoint == queue.Arn))
            {
                LogContext.Warning?.Log("Subscription {Subscription} of {Queue} to {Topic} had other attributes; setting {Attributes}",
                    subscription.SubscriptionArn, queue.Name, topicArn, RawDelivery);
                foreach (var (name, value) in RawDelivery)
                    await Sns.SetSubscriptionAttributesAsync(subscription.SubscriptionArn, name, value, cancellationToken).ConfigureAwait(false);
            }

            nextToken = page.NextToken;
        } while (nextToken != null);

        try
        {
            await Sns.SubscribeAsync(topicArn, "sqs", queue.Arn, RawDelivery, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSnsException exception) when (exception.Code == "InvalidParameter")
        {
            throw new AmazonSqsTransportException(
                $"The subscription of queue {queue.Name} to {topicArn} differs from raw delivery in attributes this transport does not own "
                + $"(a filter or redrive policy?), and was left as it is: {exception.ErrorMessage}", exception);
        }
    }

    public async Task Send(SqsQueue queue, string body, IReadOnlyDictionary<string, string> attributes, int delaySeconds,
        CancellationToken cancellationToken)
    {
        var messageAttributes = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value });
        try
        {
            if (Settings.Batching.Sends.Enabled)
            {
                // The batch is not cancelled with one of its callers: a cancelled send may still go out.
                cancellationToken.ThrowIfCancellationRequested();
                await _sendBatchers.GetOrAdd(queue.Url, url => new SqsSendBatcher(Sqs, url, Settings.Batching.Sends))
                    .Submit(new SqsSendEntry(body, messageAttributes, delaySeconds), SqsTransportHeaders.Size(body, attributes))
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Sqs.SendMessageAsync(new SendMessageRequest(queue.Url, body) { MessageAttributes = messageAttributes, DelaySeconds = delaySeconds },
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (QueueDoesNotExistException)
        {
            Evict(queue.Name);
            throw;
        }
    }

    public async Task Publish(string topicName, string body, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        var messageAttributes = attributes.ToDictionary(a => a.Key, a => SnsMessageAttribute.String(a.Value));
        var topicArn = await GetTopicArn(topicName, cancellationToken).ConfigureAwait(false);
        try
        {
            await Publish(topicArn, body, messageAttributes, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSnsException exception) when (exception.Code == "NotFound")
        {
            // The topic was deleted (or replaced) since its ARN was cached: resolve it again, once.
            LogContext.Warning?.Log("Topic {Topic} ({TopicArn}) was not found; resolving it again", topicName, topicArn);
            EvictTopic(topicName);
            if (_publishBatchers.TryRemove(topicArn, out var stale))
                _ = stale.DisposeAsync().AsTask();
            topicArn = await GetTopicArn(topicName, cancellationToken).ConfigureAwait(false);
            await Publish(topicArn, body, messageAttributes, cancellationToken).ConfigureAwait(false);
        }
    }

    async Task Publish(string topicArn, string body, Dictionary<string, SnsMessageAttribute> attributes, CancellationToken cancellationToken)
    {
        if (!Settings.Batching.Publishes.Enabled)
        {
            await Sns.PublishAsync(new SnsPublishRequest(topicArn, body) { MessageAttributes = attributes }, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Checked here, so that a message SNS would refuse fails alone rather than its whole batch.
        var bytes = SnsLimits.ValidateMessage(body, attributes);
        cancellationToken.ThrowIfCancellationRequested();
        await _publishBatchers.GetOrAdd(topicArn, arn => new SnsPublishBatcher(Sns, arn, Settings.Batching.Publishes))
            .Submit(new SnsPublishBatchEntry("0", body) { MessageAttributes = attributes }, bytes)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<Message>> Receive(SqsQueue queue, int maxMessages, int waitTimeSeconds, CancellationToken cancellationToken)
    {
        var response = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queue.Url)
        {
            MaxNumberOfMessages = maxMessages,
            WaitTimeSeconds = waitTimeSeconds,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = [MessageSystemAttributeName.ApproximateReceiveCount, MessageSystemAttributeName.SentTimestamp]
        }, cancellationToken).ConfigureAwait(false);
        return response.Messages ?? [];
    }

    /// <summary>Deletes a consumed message; when this fails the message is left to reappear after its visibility timeout (redelivered, not lost).</summary>
    public Task Delete(SqsQueue queue, string receiptHandle) =>
        Settings.Batching.Deletes.Enabled
            ? _deleteBatchers.GetOrAdd(queue.Url, url => new SqsDeleteBatcher(Sqs, url, Settings.Batching.Deletes)).Delete(receiptHandle)
            : Sqs.DeleteMessageAsync(queue.Url, receiptHandle);

    public Task ChangeVisibility(SqsQueue queue, string receiptHandle, int visibilityTimeout, CancellationToken cancellationToken) =>
        Sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest(queue.Url, receiptHandle, visibilityTimeout), cancellationToken);

    public async Task DeleteQueue(SqsQueue queue, CancellationToken cancellationToken)
    {
        _queues.TryRemove(queue.Name, out _);
        try
        {
            await Sqs.DeleteQueueAsync(queue.Url, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueDoesNotExistException)
        {
        }
    }

    /// <summary>Forgets a cached queue that was found deleted, so the next use creates it again.</summary>
    public void Evict(string queueName) => _queues.TryRemove(queueName, out _);

    /// <summary>How queues that a send creates are set up: with a dead-letter queue after the default receive count.</summary>
    public SqsQueueOptions DefaultQueueOptions => new(null, Settings.DefaultMaxReceiveCount, new Dictionary<string, string>());

    /// <summary>Error, skipped and dead-letter queues: no redrive of their own, and the failed-message retention.</summary>
    public SqsQueueOptions FailedMessageQueueOptions =>
        SqsQueueOptions.Plain with { MessageRetentionSeconds = (int)Settings.FailedMessageRetention.TotalSeconds };

    /// <summary>Gives an existing error, skipped or dead-letter queue the failed-message retention; a missing one is left to its first use.</summary>
    public async Task ApplyFailedMessageRetention(string queueName, CancellationToken cancellationToken)
    {
        string url;
        try
        {
            url = (await Sqs.GetQueueUrlAsync(queueName, cancellationToken).ConfigureAwait(false)).QueueUrl;
        }
        catch (QueueDoesNotExistException)
        {
            return;
        }

        await ApplyRetention(url, FailedMessageQueueOptions, cancellationToken).ConfigureAwait(false);
    }

    async Task ApplyRetention(string url, SqsQueueOptions options, CancellationToken cancellationToken)
    {
        if (options.MessageRetentionSeconds is not { } wanted)
            return;
        var actual = await Sqs.GetQueueAttributesAsync(url, [QueueAttributeName.MessageRetentionPeriod], cancellationToken).ConfigureAwait(false);
        if (actual.Attributes.TryGetValue(QueueAttributeName.MessageRetentionPeriod, out var value)
            && int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds == wanted)
            return;
        await Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = url,
            Attributes = new Dictionary<string, string> { [QueueAttributeName.MessageRetentionPeriod] = wanted.ToString(CultureInfo.InvariantCulture) }
        }, cancellationToken).ConfigureAwait(false);
    }

    async Task<SqsQueue> GetOrCreateQueue(string name, SqsQueueOptions options, CancellationToken cancellationToken)
    {
        string url;
        try
        {
            url = (await Sqs.GetQueueUrlAsync(name, cancellationToken).ConfigureAwait(false)).QueueUrl;
            await ApplyRetention(url, options, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueDoesNotExistException)
        {
            var attributes = new Dictionary<string, string>(options.Attributes);
            if (options.MessageRetentionSeconds is { } retention)
                attributes[QueueAttributeName.MessageRetentionPeriod] = retention.ToString(CultureInfo.InvariantCulture);
            if (options.VisibilityTimeout is { } visibilityTimeout)
                attributes[QueueAttributeName.VisibilityTimeout] = visibilityTimeout.ToString(CultureInfo.InvariantCulture);
            if (options.MaxReceiveCount is { } maxReceiveCount)
            {
                var deadLetterQueue = await GetQueue(AmazonSqsEntityNames.DeadLetter(name), FailedMessageQueueOptions, cancellationToken)
                    .ConfigureAwait(false);
                attributes[QueueAttributeName.RedrivePolicy] = JsonSerializer.Serialize(new
                {
                    deadLetterTargetArn = deadLetterQueue.Arn,
                    maxReceiveCount = maxReceiveCount.ToString(CultureInfo.InvariantCulture)
                });
            }

            url = (await Sqs.CreateQueueAsync(new CreateQueueRequest(name) { Attributes = attributes }, cancellationToken).ConfigureAwait(false))
                .QueueUrl;
        }

        var actual = await Sqs.GetQueueAttributesAsync(url, [QueueAttributeName.QueueArn, QueueAttributeName.VisibilityTimeout], cancellationToken)
            .ConfigureAwait(false);
        var visibility = actual.Attributes.TryGetValue(QueueAttributeName.VisibilityTimeout, out var value)
            && int.TryParse(value, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : 30;
        return new SqsQueue(name, url, actual.Attributes[QueueAttributeName.QueueArn], visibility);
    }

    /// <summary>Runs <paramref name="create" /> once per key across concurrent callers; a failure is not cached.</summary>
    static async Task<T> Cached<T>(ConcurrentDictionary<string, Lazy<Task<T>>> cache, string key, Func<Task<T>> create)
    {
        var entry = cache.GetOrAdd(key, _ => new Lazy<Task<T>>(create));
        try
        {
            return await entry.Value.ConfigureAwait(false);
        }
        catch
        {
            cache.TryRemove(new KeyValuePair<string, Lazy<Task<T>>>(key, entry));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Sends and publishes first: what they still carry may be the outbox's last messages.
        foreach (var batcher in _sendBatchers.Values)
            await batcher.DisposeAsync().ConfigureAwait(false);
        foreach (var batcher in _publishBatchers.Values)
            await batcher.DisposeAsync().ConfigureAwait(false);
        foreach (var batcher in _deleteBatchers.Values)
            await batcher.DisposeAsync().ConfigureAwait(false);
        _sendBatchers.Clear();
        _publishBatchers.Clear();
        _deleteBatchers.Clear();
    }
}
