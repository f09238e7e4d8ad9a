using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SagaFiles.ServiceDefaults;

/// <summary>
/// Gauges of every SQS queue of this environment (<see cref="QueueDepths" />), read every refresh interval. Labels:
/// <c>queue</c> without the prefix, and <c>kind</c> (main, error, skipped, dlq).
/// SQS has no age of the oldest message outside CloudWatch (<c>ApproximateAgeOfOldestMessage</c>), and a peek would count
/// as a receive towards the poison-message limit: the age of the oldest file in each step comes from Postgres instead
/// (<c>sagafiles_step_oldest_age_seconds</c>).
/// </summary>
public sealed class QueueGauges : BackgroundService
{
    public const string MeterName = "SagaFiles.Queues";

    readonly QueueDepths _depths;
    readonly TimeSpan _interval;
    readonly ILogger<QueueGauges> _logger;
    readonly Meter _meter;
    volatile IReadOnlyList<QueueDepth> _queues = [];

    public QueueGauges(QueueDepths depths, TimeSpan interval, IMeterFactory meters, ILogger<QueueGauges> logger)
    {
        (_depths, _interval, _logger) = (depths, interval, logger);
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
                _queues = await _depths.ReadAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(e, "Could not read the queue gauges");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

}
