using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// What every step endpoint shares: the queue named by the endpoint name formatter (kebab-case: download-file, ...),
/// a few quick in-process retries for transient storage and network errors, and none for a file that cannot be
/// processed, so its step faults at once with the reason.
/// </summary>
public abstract class StepConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    /// <summary>Waits between in-process retries; their sum stays far below the queue's visibility timeout.</summary>
    public static readonly TimeSpan[] RetryIntervals = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    static readonly HashSet<string> TransientErrorCodes =
        new(["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable"], StringComparer.Ordinal);

    readonly string _step;

    /// <param name="step">The step, as the saga and the history name it (<see cref="FileSteps" />).</param>
    /// <param name="concurrentMessageLimit">Commands one worker runs at once.</param>
    protected StepConsumerDefinition(string step, int concurrentMessageLimit)
    {
        _step = step;
        ConcurrentMessageLimit = concurrentMessageLimit;
    }

    /// <summary>Redeliveries after the in-process retries: the message goes back to the queue for a later try.</summary>
    public static readonly TimeSpan[] RedeliveryIntervals = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)];

    // Immediate retries first, then delayed redelivery, then (after the fault) the saga's scheduled step retry.
    // UseMessageRetry sits directly after UseDelayedRedelivery, or every redelivery would publish a Fault (MassTransit #4458).
    // Each retry, redelivery and move to the error queue is logged with the file id, step and attempt (StepFailureLog).
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        var log = new StepFailureLog(context.GetRequiredService<ILoggerFactory>().CreateLogger<TConsumer>(), _step);
        endpointConfigurator.UseFilter(log);
        endpointConfigurator.UseDelayedRedelivery(redelivery =>
        {
            ConfigureRedelivery(redelivery);
            redelivery.ConnectRetryObserver(log.Retries(StepFailureLog.Redelivery));
        });
        endpointConfigurator.UseMessageRetry(retry =>
        {
            ConfigureRetry(retry);
            retry.ConnectRetryObserver(log.Retries(StepFailureLog.Retry));
        });
    }

    public static void ConfigureRedelivery(IRetryConfigurator redelivery)
    {
        HandleTransient(redelivery);
        redelivery.Intervals(RedeliveryIntervals);
    }

    public static void ConfigureRetry(IRetryConfigurator retry)
    {
        HandleTransient(retry);
        retry.Intervals(RetryIntervals);
    }

    static void HandleTransient(IRetryConfigurator retry)
    {
        retry.IgnorePermanent();
        retry.Handle<IOException>();
        retry.Handle<HttpRequestException>();
        retry.Handle<TimeoutException>();
        retry.Handle<AmazonServiceException>(IsTransient);
    }

    /// <summary>S3 5xx, throttling and timeouts, and requests that never got an answer.</summary>
    public static bool IsTransient(AmazonServiceException exception) =>
        (int)exception.StatusCode >= 500 || exception.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout ||
        (exception.ErrorCode is { } code && TransientErrorCodes.Contains(code)) ||
        exception.InnerException is HttpRequestException or IOException or TimeoutException;
}
