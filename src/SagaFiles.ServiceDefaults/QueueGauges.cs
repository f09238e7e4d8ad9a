using System.Diagnostics.Metrics;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaFiles.Transport.AmazonSqs;

namespace SagaFiles.ServiceDefaults;

/// <summary>
/// Gauges of every SQS queue of this environment (<c>Messaging:Prefix</c>), step queues and their <c>_error</c>,
/// <c>_skipped</c> and <c>_dlq</c> queues alike, read every refresh interval with ListQueues and one GetQueueAttributes per
/// queue: messages waiting (ApproximateNumberOfMessages), in flight (…NotVisible) and delayed (…Delayed). Labels:
/// <c>queue</c> without the prefix, and <c>kind</c> (main, error, skipped, dlq).
/// SQS has no age of the oldest message outside CloudWatch (<c>ApproximateAgeOfOldestMessage</c>), and a peek would count
/// as a receive towards the poison-message limit: the age of the oldest file in each step comes from Postgres instead
/// (<c>sagafiles_step_oldest_age_seconds</c>).
/// </summary>
public sealed class QueueGauges : BackgroundService
{
    public const string MeterName = "SagaFiles.Queues";

    static readonly List<string> Attributes =
        [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible, QueueAttributeName.ApproximateNumberOfMessagesDelayed];

    readonly IAmazonSQS _sqs;
    readonly string _prefix;
    readonly TimeSpan _interval;
    readonly ILogger<QueueGauges> _logger;
    readonly Meter _meter;
    volatile IReadOnlyList<QueueDepth> _queues = [];

    public QueueGauges(IAmazonSQS sqs, string prefix, TimeSpan interval, IMeterFactory meters, ILogger<QueueGauges> logger)
    {
        (_sqs, _prefix, _interval, _logger) = (sqs, prefix, interval, logger);
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("sagafiles.queue.messages", () => Measure(q => q.Waiting), "{message}",
            "Messages waiting in the queue (ApproximateNumberOfMessages).");
        _meter.CreateObservableGauge("sagafiles.queue.in_flight", () => Measure(q => q.InFlight), "{message}",
            "Messages received and not yet deleted (ApproximateNumberOfMessagesNotVisible).");
        _meter.CreateObservableGauge("sagafiles.queue.delayed", () => Measure(q => q.Delayed), "{message}",
            "Messages sent with a delay that has not passed (ApproximateNumberOfMessagesDelayed).");
    }

    IEnumerable<Measurement<long>> Measure(Func<QueueDepth, long> value) =>
        _queues.Select(q => new Measurement<long>(value(q), new("queue", q.Queue), new("kind", q.Kind)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                _queues = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(e, "Could not read the queue gauges");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    async Task<IReadOnlyList<QueueDepth>> ReadAsync(CancellationToken ct)
    {
        var urls = new List<string>();
        var request = new ListQueuesRequest { QueueNamePrefix = _prefix, MaxResults = 1000 };
        do
        {
            var page = await _sqs.ListQueuesAsync(request, ct);
            urls.AddRange(page.QueueUrls ?? []);
            request.NextToken = page.NextToken;
        } while (request.NextToken != null);

        var scope = string.IsNullOrEmpty(_prefix) ? "" : _prefix + "_";
        var depths = new List<QueueDepth>();
        foreach (var url in urls)
        {
            var name = url[(url.LastIndexOf('/') + 1)..];
            if (!name.StartsWith(scope, StringComparison.Ordinal))
                continue;
            try
            {
                var attributes = (await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = Attributes }, ct)).Attributes ?? [];
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

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    sealed record QueueDepth(string Queue, string Kind, long Waiting, long InFlight, long Delayed);
}
