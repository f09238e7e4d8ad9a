using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// A step's endpoint, as its <see cref="FileStep" /> describes it: its queue, how many commands a worker runs at once
/// (and holds, from <see cref="EndpointOptions" /> when set there),
/// quick in-process retries and then delayed redeliveries for transient storage and network errors, and none for a file
/// that cannot be processed, so its step faults at once with the reason.
/// </summary>
public sealed class StepConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    readonly FileStep _step = FileSteps.RunBy(typeof(TConsumer));

    public StepConsumerDefinition(IOptions<EndpointOptions> options)
    {
        var settings = options.Value.For(_step.Name);
        Endpoint(e =>
        {
            e.Name = _step.Queue;
            if (settings.PrefetchCount is { } prefetch)
                e.PrefetchCount = prefetch;
        });
        ConcurrentMessageLimit = settings.ConcurrentMessageLimit ?? _step.Policy.ConcurrentMessageLimit;
    }

    // Immediate retries first, then delayed redelivery, then (after the fault) the saga's scheduled step retry.
    // UseMessageRetry sits directly after UseDelayedRedelivery, or every redelivery would publish a Fault (MassTransit #4458).
    // Each retry, redelivery and move to the error queue is logged with the file id, step and attempt (StepFailureLog).
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var log = new StepFailureLog(context.GetRequiredService<ILoggerFactory>().CreateLogger<TConsumer>(), _step.Name);
        endpointConfigurator.UseFilter(log);
        endpointConfigurator.UseDelayedRedelivery(redelivery =>
        {
            RetryTransient(redelivery, _step.Policy.RedeliveryIntervals);
            redelivery.ConnectRetryObserver(log.Retries(StepFailureLog.Redelivery));
        });
        endpointConfigurator.UseMessageRetry(retry =>
        {
            RetryTransient(retry, _step.Policy.RetryIntervals);
            retry.ConnectRetryObserver(log.Retries(StepFailureLog.Retry));
        });
    }

    /// <summary>Retries transient errors after each of <paramref name="intervals" />; permanent ones not at all.</summary>
    public static void RetryTransient(IRetryConfigurator retry, IReadOnlyList<TimeSpan> intervals)
    {
        HandleTransient(retry);
        retry.Intervals([.. intervals]);
    }

    static void HandleTransient(IRetryConfigurator retry)
    {
        retry.IgnorePermanent();
        retry.Handle<IOException>();
        retry.Handle<HttpRequestException>();
        retry.Handle<TimeoutException>();
        // The adapters say which of their failures are transient: storage as StorageException, the transport (publishing
        // the step's completion) as MassTransit's ConnectionException.
        retry.Handle<StorageException>(e => e.IsTransient);
        retry.Handle<ConnectionException>(e => e.IsTransient);
    }
}
