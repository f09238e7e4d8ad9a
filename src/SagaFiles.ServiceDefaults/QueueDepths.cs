using Amazon.SQS;
using Amazon.SQS.Model;
using SagaFiles.Transport.AmazonSqs;

namespace SagaFiles.ServiceDefaults;

/// <summary>
/// The SQS queues of this environment (<c>Messaging:Prefix</c>), step queues and their <c>_error</c>, <c>_skipped</c> and
/// <c>_dlq</c> queues alike, read with ListQueues and one GetQueueAttributes per queue: messages waiting
/// (ApproximateNumberOfMessages), in flight (…NotVisible) and delayed (…Delayed). For the gauges and the API's views.
/// </summary>
public sealed class QueueDepths(IAmazonSQS sqs, string prefix)
{
    static readonly List<string> Attributes =
        [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible, QueueAttributeName.ApproximateNumberOfMessagesDelayed];

    /// <summary>Every queue of the prefix with its counts, as SQS approximates them now.</summary>
    public async Task<IReadOnlyList<QueueDepth>> ReadAsync(CancellationToken ct)
    {
        var urls = new List<string>();
        var request = new ListQueuesRequest { QueueNamePrefix = prefix, MaxResults = 1000 };
        do
        {
            var page = await sqs.ListQueuesAsync(request, ct);
            urls.AddRange(page.QueueUrls ?? []);
            request.NextToken = page.NextToken;
        } while (request.NextToken != null);

        var scope = string.IsNullOrEmpty(prefix) ? "" : prefix + "_";
        var depths = new List<QueueDepth>();
        foreach (var url in urls)
        {
            var name = url[(url.LastIndexOf('/') + 1)..];
            if (!name.StartsWith(scope, StringComparison.Ordinal))
                continue;
            try
            {
                var attributes = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = Attributes }, ct)).Attributes ?? [];
                depths.Add(new QueueDepth(name[scope.Length..], KindOf(name), Read(attributes, Attributes[0]), Read(attributes, Attributes[1]), Read(attributes, Attributes[2])));
            }
            catch (QueueDoesNotExistException)
            {
                // Deleted since it was listed (a stopped API instance's own queue).
            }
        }

        return depths;
    }

    static long Read(Dictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && long.TryParse(value, out var count) ? count : 0;

    static string KindOf(string queue) =>
        queue.EndsWith(AmazonSqsEntityNames.ErrorSuffix, StringComparison.Ordinal) ? "error"
        : queue.EndsWith(AmazonSqsEntityNames.DeadLetterSuffix, StringComparison.Ordinal) ? "dlq"
        : queue.EndsWith(AmazonSqsEntityNames.SkippedSuffix, StringComparison.Ordinal) ? "skipped"
        : "main";
}

/// <summary>A queue without the prefix, its kind (main, error, skipped, dlq) and its counts.</summary>
public sealed record QueueDepth(string Queue, string Kind, long Waiting, long InFlight, long Delayed);
