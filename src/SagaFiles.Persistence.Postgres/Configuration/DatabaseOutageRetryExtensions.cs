using MassTransit;

namespace SagaFiles.Persistence.Postgres;

/// <summary>
/// The retry that a database restart or failover needs. Without it, every message consumed while Postgres is away
/// faults into the endpoint's error queue, and a saga waiting for that message (a file still Pending, a step's
/// completion or timeout) never hears of it. Configure it on the receive endpoint before the concurrency retry and
/// the outbox, so every attempt gets a fresh scope and connection.
/// </summary>
public static class DatabaseOutageRetryExtensions
{
    /// <summary>Waits between attempts: 15.5 s in all, longer than a restart, within the message's visibility.</summary>
    public static readonly TimeSpan[] Intervals =
        [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    public static void UseDatabaseOutageRetry(this IConsumePipeConfigurator configurator) =>
        configurator.UseMessageRetry(r => r.Intervals(Intervals).Handle<Exception>(PostgresConcurrency.IsOutage));
}
