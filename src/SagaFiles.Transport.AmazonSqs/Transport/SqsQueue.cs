namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>An SQS queue as this transport knows it once it exists.</summary>
public sealed record SqsQueue(string Name, string Url, string Arn, int VisibilityTimeout);

/// <summary>How a queue is created when it does not exist yet.</summary>
/// <param name="VisibilityTimeout">Seconds; null keeps SQS's default (30).</param>
/// <param name="MaxReceiveCount">RedrivePolicy to <c>{name}_dlq</c> after this many receives; null for no dead-letter queue.</param>
/// <param name="Attributes">Further SQS queue attributes.</param>
public sealed record SqsQueueOptions(int? VisibilityTimeout, int? MaxReceiveCount, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>No redrive of its own, SQS's default retention.</summary>
    public static readonly SqsQueueOptions Plain = new(null, null, new Dictionary<string, string>());

    /// <summary>MessageRetentionPeriod in seconds, set on a new queue and corrected on an existing one; null keeps the queue's own.</summary>
    public int? MessageRetentionSeconds { get; init; }
}
