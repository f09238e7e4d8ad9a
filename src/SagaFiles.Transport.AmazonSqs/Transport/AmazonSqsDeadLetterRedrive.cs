using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MassTransit;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Moves the messages of a queue's <c>_error</c> or <c>_dlq</c> queue back to the queue, as fresh deliveries: body and message attributes
/// are kept, the fault's headers (<c>MT-Fault-*</c>, <c>MT-Reason</c>) and the redelivery count (else a consumer with delayed
/// redelivery would treat the message as having used up its redeliveries) are taken out of <c>MT-Headers</c>. Each message is
/// deleted from its source queue only after it was sent, so a crash in between duplicates a message but never loses one.
/// </summary>
public sealed class AmazonSqsDeadLetterRedrive(IAmazonSQS sqs, string scope)
{
    const string FaultHeaderPrefix = "MT-Fault-";

    /// <summary>Why <paramref name="queue" /> (unscoped, e.g. <c>convert-file</c>) cannot name a queue, or null.</summary>
    public string? ValidateQueueName(string queue) =>
        string.IsNullOrEmpty(queue) ? "A queue name is required." : AmazonSqsEntityNames.ValidateQueueName(AmazonSqsEntityNames.Scoped(scope, queue));

    /// <summary>Moves every message now in <paramref name="queue" />'s <paramref name="from" /> queue back; null when either queue does not exist.</summary>
    public async Task<int?> RedriveAsync(string queue, FailedMessageQueue from, CancellationToken cancellationToken)
    {
        if (ValidateQueueName(queue) is { } problem)
            throw new ArgumentException(problem, nameof(queue));

        var destinationName = AmazonSqsEntityNames.Scoped(scope, queue);
        if (await QueueUrl(AmazonSqsEntityNames.FailedMessages(destinationName, from), cancellationToken).ConfigureAwait(false) is not { } sourceUrl
            || await QueueUrl(destinationName, cancellationToken).ConfigureAwait(false) is not { } destinationUrl)
            return null;

        var moved = 0;
        // A message that fails again while this runs comes back to the source queue: it waits for the next redrive.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(sourceUrl)
            {
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                VisibilityTimeout = 60,
                MessageAttributeNames = ["All"]
            }, cancellationToken).ConfigureAwait(false);
            if (received.Messages is not { Count: > 0 } messages)
                return moved;

            foreach (var message in messages)
            {
                var attributes = WithoutFaultHeaders(message.MessageAttributes ?? []);
                if (!seen.Add(MessageIdentity(message, attributes)))
                {
                    await sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest(sourceUrl, message.ReceiptHandle, 0), cancellationToken)
                        .ConfigureAwait(false);
                    return moved;
                }

                await sqs.SendMessageAsync(new SendMessageRequest(destinationUrl, message.Body) { MessageAttributes = attributes }, cancellationToken)
                    .ConfigureAwait(false);
                await sqs.DeleteMessageAsync(sourceUrl, message.ReceiptHandle, cancellationToken).ConfigureAwait(false);
                moved++;
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="max" /> of the messages now in <paramref name="queue" />'s <paramref name="from" /> queue, left there:
    /// each is received (hidden for a moment) and made visible again. Null when that queue does not exist.
    /// </summary>
    public async Task<IReadOnlyList<FailedMessage>?> PeekAsync(string queue, FailedMessageQueue from, int max, CancellationToken cancellationToken)
    {
        if (ValidateQueueName(queue) is { } problem)
            throw new ArgumentException(problem, nameof(queue));
        if (await QueueUrl(AmazonSqsEntityNames.FailedMessages(AmazonSqsEntityNames.Scoped(scope, queue), from), cancellationToken).ConfigureAwait(false)
            is not { } url)
            return null;

        var seen = new Dictionary<string, FailedMessage>(StringComparer.Ordinal);
        var held = new List<string>();
        try
        {
            while (seen.Count < max)
            {
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url)
                {
                    MaxNumberOfMessages = Math.Min(10, max - seen.Count),
                    VisibilityTimeout = 30,
                    MessageAttributeNames = ["All"],
                    MessageSystemAttributeNames = [MessageSystemAttributeName.SentTimestamp, MessageSystemAttributeName.ApproximateReceiveCount]
                }, cancellationToken).ConfigureAwait(false);
                if (received.Messages is not { Count: > 0 } messages)
                    break;
                foreach (var message in messages)
                {
                    held.Add(message.ReceiptHandle);
                    seen.TryAdd(message.MessageId, FailedMessage.From(message, Headers(message.MessageAttributes ?? [])));
                }
            }
        }
        finally
        {
            // Visible again at once, even when the caller went away meanwhile.
            foreach (var receipt in held)
                await sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest(url, receipt, 0), CancellationToken.None).ConfigureAwait(false);
        }

        return seen.Values.OrderBy(m => m.SentAt).ToList();
    }

    /// <summary>MassTransit's headers, packed in one message attribute.</summary>
    static Dictionary<string, string> Headers(Dictionary<string, MessageAttributeValue> attributes) =>
        attributes.TryGetValue(SqsTransportHeaders.HeadersAttribute, out var packed) && packed.StringValue is { } json
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
            : [];

    /// <summary>The message attributes minus the fault's headers and the redelivery count; an <c>MT-Headers</c> left empty is dropped (SQS refuses empty values).</summary>
    static Dictionary<string, MessageAttributeValue> WithoutFaultHeaders(Dictionary<string, MessageAttributeValue> attributes)
    {
        var kept = new Dictionary<string, MessageAttributeValue>(attributes, StringComparer.Ordinal);
        if (!kept.ContainsKey(SqsTransportHeaders.HeadersAttribute))
            return kept;

        var headers = Headers(kept)
            .Where(h => !h.Key.StartsWith(FaultHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals(MessageHeaders.Reason, StringComparison.OrdinalIgnoreCase)
                && !h.Key.Equals(MessageHeaders.RedeliveryCount, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value);
        if (headers.Count == 0)
            kept.Remove(SqsTransportHeaders.HeadersAttribute);
        else
            kept[SqsTransportHeaders.HeadersAttribute] = new MessageAttributeValue { DataType = "String", StringValue = JsonSerializer.Serialize(headers) };
        return kept;
    }

    /// <summary>MassTransit's message id when the headers carry one (it survives moves between queues), else SQS's.</summary>
    static string MessageIdentity(Message message, Dictionary<string, MessageAttributeValue> attributes)
    {
        if (Headers(attributes).FirstOrDefault(h => h.Key.Equals(MessageHeaders.MessageId, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } id)
            return id;
        return message.MessageId;
    }

    async Task<string?> QueueUrl(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await sqs.GetQueueUrlAsync(name, cancellationToken).ConfigureAwait(false)).QueueUrl;
        }
        catch (QueueDoesNotExistException)
        {
            return null;
        }
    }
}

/// <summary>A message of an <c>_error</c> or <c>_dlq</c> queue as a peek shows it: MassTransit's headers (the fault's among them) and the body.</summary>
public sealed record FailedMessage(string MessageId, DateTimeOffset? SentAt, int ReceiveCount, IReadOnlyDictionary<string, string> Headers, string Body)
{
    internal static FailedMessage From(Message message, IReadOnlyDictionary<string, string> headers)
    {
        var system = message.Attributes ?? [];
        return new FailedMessage(message.MessageId,
            system.TryGetValue(MessageSystemAttributeName.SentTimestamp, out var sent) && long.TryParse(sent, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            system.TryGetValue(MessageSystemAttributeName.ApproximateReceiveCount, out var count) && int.TryParse(count, out var n) ? n : 0,
            headers, message.Body);
    }
}
