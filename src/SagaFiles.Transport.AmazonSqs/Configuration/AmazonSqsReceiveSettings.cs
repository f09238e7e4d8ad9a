using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs.Configuration;

/// <summary>A receive endpoint's queue: name, creation settings and polling.</summary>
public sealed class AmazonSqsReceiveSettings(string scope, string queueName, int maxReceiveCount, int waitTimeSeconds)
{
    public string Scope { get; } = scope;

    /// <summary>The endpoint's name, without the scope.</summary>
    public string QueueName { get; } = queueName;

    /// <summary>The SQS queue's name: scope and endpoint name.</summary>
    public string EntityName { get; } = AmazonSqsEntityNames.Scoped(scope, queueName);

    /// <summary>Null keeps the queue's own setting (SQS default 30 s).</summary>
    public int? VisibilityTimeout { get; set; }

    public int WaitTimeSeconds { get; set; } = waitTimeSeconds;

    public int MaxReceiveCount { get; set; } = maxReceiveCount;

    /// <summary>A temporary queue (the bus's own response queue) has no dead-letter queue and is deleted when the bus stops.</summary>
    public bool IsTemporary { get; init; }

    public Dictionary<string, string> QueueAttributes { get; } = new(StringComparer.Ordinal);

    public SqsQueueOptions QueueOptions => new(VisibilityTimeout, IsTemporary ? null : MaxReceiveCount, QueueAttributes);
}
