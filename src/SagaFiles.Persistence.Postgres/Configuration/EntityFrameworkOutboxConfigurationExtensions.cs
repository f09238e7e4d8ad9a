using MassTransit.Configuration;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;
using SagaFiles.Persistence.Postgres.Configuration;

namespace MassTransit;

/// <summary>
/// The transactional inbox/outbox, named as in MassTransit.EntityFrameworkCore:
/// <code>
/// services.AddMassTransit(x =&gt;
/// {
///     x.AddEntityFrameworkOutbox&lt;SagaFilesDbContext&gt;(o =&gt;
///     {
///         o.UsePostgres();
///         o.UseBusOutbox();                       // API controllers: Publish + SaveChangesAsync commit together
///         o.QueryDelay = TimeSpan.FromSeconds(1);
///         o.DuplicateDetectionWindow = TimeSpan.FromMinutes(30);
///     });
///     x.AddConfigureEndpointsCallback((context, name, e) =&gt; e.UseEntityFrameworkOutbox&lt;SagaFilesDbContext&gt;(context));
/// });
/// </code>
/// </summary>
public static class EntityFrameworkOutboxConfigurationExtensions
{
    public static void AddEntityFrameworkOutbox<TDbContext>(this IBusRegistrationConfigurator configurator,
        Action<IEntityFrameworkOutboxConfigurator>? configure = null)
        where TDbContext : DbContext =>
        new EntityFrameworkOutboxConfigurator<TDbContext>(configurator).Apply(configure);

    /// <summary>
    /// Puts every consumer and saga on this endpoint behind the inbox/outbox: a message (by MessageId) is consumed once per
    /// endpoint and consumer within the duplicate detection window, and what the consumer sends or publishes is written with its
    /// database changes and delivered after they commit. Add the retry (e.g. UseSagaConcurrencyRetry) before this.
    /// </summary>
    public static void UseEntityFrameworkOutbox<TDbContext>(this IReceiveEndpointConfigurator configurator, IRegistrationContext context,
        Action<IOutboxOptionsConfigurator>? configure = null)
        where TDbContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);

        // MassTransit's default of 1 costs a transaction per stored message when a redelivered copy delivers them.
        var observer = new OutboxConsumePipeSpecificationObserver<TDbContext>(configurator, context) { MessageDeliveryLimit = 100 };
        configure?.Invoke(observer);

        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }

    public static IEntityFrameworkOutboxConfigurator UsePostgres(this IEntityFrameworkOutboxConfigurator configurator, string? schemaName = null)
    {
        configurator.LockStatementProvider = new PostgresLockStatementProvider(schemaName);
        return configurator;
    }
}
