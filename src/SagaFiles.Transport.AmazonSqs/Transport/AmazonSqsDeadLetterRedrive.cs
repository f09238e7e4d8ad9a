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

    /// <summary>The message attributes minus the fault's headers and the redelivery count; an <c>MT-Headers</c> left empty is dropped (SQS refuses empty values).</summary>
    static Dictionary<string, MessageAttributeValue> WithoutFaultHeaders(Dictionary<string, MessageAttributeValue> attributes)
    {
        var kept = new Dictionary<string, MessageAttributeValue>(attributes, StringComparer.Ordinal);
        if (!kept.TryGetValue(SqsTransportHeaders.HeadersAttribute, out var packed) || packed.StringValue is not { } json)
            return kept;

        var headers = (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
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
        if (attributes.TryGetValue(SqsTransportHeaders.HeadersAttribute, out var packed) && packed.StringValue is { } json
            && JsonSerializer.Deserialize<Dictionary<string, string>>(json) is { } headers
            && headers.FirstOrDefault(h => h.Key.Equals(MessageHeaders.MessageId, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } id)
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
