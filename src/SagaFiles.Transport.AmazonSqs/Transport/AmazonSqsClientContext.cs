using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MassTransit;
using MassTransit.Middleware;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// The broker as the transport uses it: queues, topics and subscriptions created on first use (idempotently, cached
/// per process), sends, publishes, receives and batched deletes. One per bus.
/// </summary>
public sealed class AmazonSqsClientContext : BasePipeContext, IAsyncDisposable
{
    /// <summary>The queue gets the published message body as is, with its message attributes, not wrapped in an SNS envelope.</summary>
    static readonly Dictionary<string, string> RawDelivery = new() { ["RawMessageDelivery"] = "true" };

    readonly ConcurrentDictionary<string, DeleteBatcher> _deleteBatchers = new();
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

    public Task<string> GetTopicArn(string name, CancellationToken cancellationToken) =>
        Cached(_topics, name, async () => await Sns.CreateTopicAsync(name, null, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Subscribes the queue to the topics (raw delivery) and lets this bus's topics send to it. The policy names the
    /// scope's topics by pattern rather than listing them, so every process that subscribes the queue (a worker, or an
    /// API declaring it before the first worker starts) writes the same policy and none drops another's topics.
    /// </summary>
    public async Task Subscribe(SqsQueue queue, IReadOnlyCollection<string> topicNames, CancellationToken cancellationToken)
    {
        if (topicNames.Count == 0)
            return;

        var topicArns = await Task.WhenAll(topicNames.Select(topic => GetTopicArn(topic, cancellationToken))).ConfigureAwait(false);
        await Sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest
        {
            QueueUrl = queue.Url,
            Attributes = new Dictionary<string, string> { [QueueAttributeName.Policy] = AllowScopeTopicsPolicy(queue.Arn, topicArns[0]) }
        }, cancellationToken).ConfigureAwait(false);

        foreach (var topicArn in topicArns)
            await Sns.SubscribeAsync(topicArn, "sqs", queue.Arn, RawDelivery, cancellationToken).ConfigureAwait(false);
    }

    public async Task Send(SqsQueue queue, string body, IReadOnlyDictionary<string, string> attributes, int delaySeconds,
        CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest(queue.Url, body)
        {
            MessageAttributes = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value }),
            DelaySeconds = delaySeconds
        };
        try
        {
            await Sqs.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueDoesNotExistException)
        {
            Evict(queue.Name);
            throw;
        }
    }

    public async Task Publish(string topicName, string body, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        var topicArn = await GetTopicArn(topicName, cancellationToken).ConfigureAwait(false);
        var request = new SnsPublishRequest(topicArn, body)
        {
            MessageAttributes = attributes.ToDictionary(a => a.Key, a => SnsMessageAttribute.String(a.Value))
        };
        await Sns.PublishAsync(request, cancellationToken).ConfigureAwait(false);
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

    public Task Delete(SqsQueue queue, string receiptHandle) =>
        _deleteBatchers.GetOrAdd(queue.Url, url => new DeleteBatcher(Sqs, url)).DeleteAsync(receiptHandle);

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

    async Task<SqsQueue> GetOrCreateQueue(string name, SqsQueueOptions options, CancellationToken cancellationToken)
    {
        string url;
        try
        {
            url = (await Sqs.GetQueueUrlAsync(name, cancellationToken).ConfigureAwait(false)).QueueUrl;
        }
        catch (QueueDoesNotExistException)
        {
            var attributes = new Dictionary<string, string>(options.Attributes);
            if (options.VisibilityTimeout is { } visibilityTimeout)
                attributes[QueueAttributeName.VisibilityTimeout] = visibilityTimeout.ToString(CultureInfo.InvariantCulture);
            if (options.MaxReceiveCount is { } maxReceiveCount)
            {
                var deadLetterQueue = await GetQueue(AmazonSqsEntityNames.DeadLetter(name), SqsQueueOptions.Plain, cancellationToken).ConfigureAwait(false);
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

    string AllowScopeTopicsPolicy(string queueArn, string topicArn)
    {
        // arn:aws:sns:{region}:{account}:{name}: allow the account's topics in this region under the bus's scope.
        var account = string.Join(':', topicArn.Split(':')[..5]);
        var pattern = string.IsNullOrEmpty(Settings.Scope) ? $"{account}:*" : $"{account}:{Settings.Scope}_*";
        return JsonSerializer.Serialize(new
        {
            Version = "2012-10-17",
            Statement = new[]
            {
                new
                {
                    Sid = "AllowSubscribedTopics",
                    Effect = "Allow",
                    Principal = new { Service = "sns.amazonaws.com" },
                    Action = "sqs:SendMessage",
                    Resource = queueArn,
                    Condition = new { ArnLike = new Dictionary<string, string> { ["aws:SourceArn"] = pattern } }
                }
            }
        });
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
        foreach (var batcher in _deleteBatchers.Values)
            await batcher.DisposeAsync().ConfigureAwait(false);
        _deleteBatchers.Clear();
    }
}
