using System.Diagnostics.Metrics;
using MassTransit;

namespace SagaFiles.Persistence.Postgres;

/// <summary>
/// The retry that optimistic concurrency needs. A saga instance updated by two messages at once (in one process or across
/// processes) lets one commit win; the other fails with <see cref="ConcurrencyException" /> (or, from the outbox or user code,
/// <c>DbUpdateConcurrencyException</c> / Postgres 40001 / 40P01) and must run again on fresh data. Without a retry such a
/// message faults. Equivalent by hand:
/// <code>
/// e.UseMessageRetry(r =&gt; r.Intervals(10, 50, 100, 250, 500, 1000, 2000)
///     .Handle&lt;Exception&gt;(PostgresConcurrency.IsRetryable));
/// </code>
/// Configure it on the receive endpoint (outside the outbox), so every attempt gets a fresh scope, DbContext and transaction.
/// Each retry counts on the <see cref="MeterName" /> meter's <c>sagafiles.saga.concurrency_retries</c>, by queue.
/// </summary>
public static class SagaConcurrencyRetryExtensions
{
    public const string MeterName = "SagaFiles.Persistence.Postgres";

    static readonly Meter Meter = new(MeterName);

    static readonly Counter<long> Retries = Meter.CreateCounter<long>("sagafiles.saga.concurrency_retries", "{retry}",
        "Consumes retried after losing an optimistic-concurrency race or a serialization failure, by queue.");

    /// <summary>Default schedule: 20 attempts, exponential from 10 ms up to 1 s with random jitter (spreads racing retries apart).</summary>
    public static void UseSagaConcurrencyRetry(this IConsumePipeConfigurator configurator, int retryLimit = 20) =>
        configurator.UseMessageRetry(r =>
        {
            r.Exponential(retryLimit, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(25)).HandleConcurrency();
            r.ConnectRetryObserver(new RetryCounter());
        });

    /// <summary>Restrict a retry policy to concurrency conflicts (see <see cref="PostgresConcurrency.IsRetryable" />).</summary>
    public static IRetryConfigurator HandleConcurrency(this IRetryConfigurator configurator)
    {
        configurator.Handle<Exception>(PostgresConcurrency.IsRetryable);
        return configurator;
    }

    sealed class RetryCounter : IRetryObserver
    {
        public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext
        {
            var queue = (context.Context as ConsumeContext)?.ReceiveContext.InputAddress?.AbsolutePath.Trim('/') ?? "";
            Retries.Add(1, new KeyValuePair<string, object?>("queue", queue));
            return Task.CompletedTask;
        }

        public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    }
}
