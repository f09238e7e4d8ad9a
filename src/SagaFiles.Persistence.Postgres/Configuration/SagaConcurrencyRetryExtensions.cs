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
/// </summary>
public static class SagaConcurrencyRetryExtensions
{
    /// <summary>Default schedule: 20 attempts, exponential from 10 ms up to 1 s with random jitter (spreads racing retries apart).</summary>
    public static void UseSagaConcurrencyRetry(this IConsumePipeConfigurator configurator, int retryLimit = 20) =>
        configurator.UseMessageRetry(r => r.Exponential(retryLimit, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(25))
            .HandleConcurrency());

    /// <summary>Restrict a retry policy to concurrency conflicts (see <see cref="PostgresConcurrency.IsRetryable" />).</summary>
    public static IRetryConfigurator HandleConcurrency(this IRetryConfigurator configurator)
    {
        configurator.Handle<Exception>(PostgresConcurrency.IsRetryable);
        return configurator;
    }
}
