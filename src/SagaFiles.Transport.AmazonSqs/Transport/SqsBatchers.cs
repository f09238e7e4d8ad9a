using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>Deletes consumed messages of one queue with DeleteMessageBatch. A delete that fails leaves the message to be redelivered.</summary>
sealed class SqsDeleteBatcher(IAmazonSQS sqs, string queueUrl, AmazonSqsBatchSettings settings)
    : RequestBatcher<string>(settings, int.MaxValue)
{
    public Task Delete(string receiptHandle) => Submit(receiptHandle, 0);

    protected override async Task<IReadOnlyList<EntryFailure>> SendBatchAsync(IReadOnlyList<string> entries)
    {
        var response = await sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = entries.Select((receiptHandle, index) => new DeleteMessageBatchRequestEntry(Id(index), receiptHandle)).ToList()
        }).ConfigureAwait(false);
        return SqsBatchResults.Failures(entries.Count, response.Successful?.Select(s => s.Id), response.Failed, "Deleting a consumed message");
    }

    static string Id(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One message for <see cref="SqsSendBatcher" />.</summary>
sealed record SqsSendEntry(string Body, Dictionary<string, MessageAttributeValue> Attributes, int DelaySeconds);

/// <summary>Sends messages to one queue with SendMessageBatch, at most 256 KiB of bodies and attributes per request (SQS's batch limit).</summary>
sealed class SqsSendBatcher(IAmazonSQS sqs, string queueUrl, AmazonSqsBatchSettings settings)
    : RequestBatcher<SqsSendEntry>(settings, SqsTransportHeaders.MaxMessageBytes)
{
    protected override async Task<IReadOnlyList<EntryFailure>> SendBatchAsync(IReadOnlyList<SqsSendEntry> entries)
    {
        var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = entries.Select((entry, index) => new SendMessageBatchRequestEntry(index.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Body)
            {
                MessageAttributes = entry.Attributes,
                DelaySeconds = entry.DelaySeconds
            }).ToList()
        }).ConfigureAwait(false);
        return SqsBatchResults.Failures(entries.Count, response.Successful?.Select(s => s.Id), response.Failed, "Sending a message");
    }
}

/// <summary>Publishes messages to one topic with SNS PublishBatch, at most 256 KiB of messages and attributes per request.</summary>
sealed class SnsPublishBatcher(IAmazonSnsClient sns, string topicArn, AmazonSqsBatchSettings settings)
    : RequestBatcher<SnsPublishBatchEntry>(settings, SnsLimits.MaxPayloadBytes)
{
    protected override async Task<IReadOnlyList<EntryFailure>> SendBatchAsync(IReadOnlyList<SnsPublishBatchEntry> entries)
    {
        var numbered = entries.Select((entry, index) => entry with { Id = index.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        var result = await sns.PublishBatchAsync(topicArn, numbered).ConfigureAwait(false);
        var answered = result.Successful.Select(s => s.Id).Concat(result.Failed.Select(f => f.Id)).ToHashSet(StringComparer.Ordinal);
        var failures = result.Failed
            .Where(f => int.TryParse(f.Id, out _))
            .Select(f =>
            {
                var error = new AmazonSnsException(f.Code, $"Publishing a message failed: {f.Message}",
                    f.SenderFault ? HttpStatusCode.BadRequest : HttpStatusCode.InternalServerError, null, f.SenderFault ? "Sender" : "Receiver");
                return new EntryFailure(int.Parse(f.Id, System.Globalization.CultureInfo.InvariantCulture), error, !f.SenderFault);
            })
            .ToList();
        failures.AddRange(SqsBatchResults.Unanswered(entries.Count, answered,
            index => new AmazonSnsException("Unanswered", "SNS answered the batch without this entry", HttpStatusCode.InternalServerError, null, null)));
        return failures;
    }
}

static class SqsBatchResults
{
    /// <summary>
    /// The failed entries of an SQS batch response. An entry SQS reports failed on its side (SenderFault false) is
    /// retried; an entry in neither list is failed (unknown outcome), not retried.
    /// </summary>
    public static IReadOnlyList<EntryFailure> Failures(int count, IEnumerable<string>? successful, List<BatchResultErrorEntry>? failed, string what)
    {
        var answered = (successful ?? []).ToHashSet(StringComparer.Ordinal);
        var failures = new List<EntryFailure>();
        foreach (var failure in failed ?? [])
        {
            if (!int.TryParse(failure.Id, System.Globalization.CultureInfo.InvariantCulture, out var index))
                continue;
            answered.Add(failure.Id);
            var senderFault = failure.SenderFault ?? true;
            var error = new AmazonSQSException($"{what} failed ({failure.Code}): {failure.Message}", null,
                senderFault ? ErrorType.Sender : ErrorType.Receiver, failure.Code, null,
                senderFault ? HttpStatusCode.BadRequest : HttpStatusCode.InternalServerError);
            failures.Add(new EntryFailure(index, error, !senderFault));
        }

        failures.AddRange(Unanswered(count, answered,
            _ => new AmazonSQSException($"{what}: SQS answered the batch without this entry", null, ErrorType.Receiver, "Unanswered", null,
                HttpStatusCode.InternalServerError)));
        return failures;
    }

    /// <summary>Entries the response named neither successful nor failed: their outcome is unknown, so they are not sent again.</summary>
    public static IEnumerable<EntryFailure> Unanswered(int count, HashSet<string> answered, Func<int, Exception> error) =>
        Enumerable.Range(0, count)
            .Where(index => !answered.Contains(index.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(index => new EntryFailure(index, error(index), false));
}
