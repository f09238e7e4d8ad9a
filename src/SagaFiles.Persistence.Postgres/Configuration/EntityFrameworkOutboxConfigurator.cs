using System.Data;
using MassTransit;
using MassTransit.DependencyInjection;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaFiles.Persistence.Postgres.Outbox;

namespace SagaFiles.Persistence.Postgres.Configuration;

public sealed class EntityFrameworkOutboxConfigurator<TDbContext>(IBusRegistrationConfigurator configurator) : IEntityFrameworkOutboxConfigurator
    where TDbContext : DbContext
{
    IsolationLevel _isolationLevel = IsolationLevel.ReadCommitted;
    ILockStatementProvider _lockStatementProvider = new PostgresLockStatementProvider();
    bool _inboxCleanup = true;
    EntityFrameworkBusOutboxConfigurator? _busOutbox;

    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(30);

    public IsolationLevel IsolationLevel { set => _isolationLevel = value; }

    public ILockStatementProvider LockStatementProvider { set => _lockStatementProvider = value ?? throw new ArgumentNullException(nameof(value)); }

    public TimeSpan QueryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public int QueryMessageLimit { get; set; } = 100;

    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public void DisableInboxCleanupService() => _inboxCleanup = false;

    public void UseBusOutbox(Action<IEntityFrameworkBusOutboxConfigurator>? configure = null)
    {
        _busOutbox = new EntityFrameworkBusOutboxConfigurator();
        configure?.Invoke(_busOutbox);
    }

    public void Apply(Action<IEntityFrameworkOutboxConfigurator>? configure)
    {
        configure?.Invoke(this);

        configurator.TryAddScoped<IOutboxContextFactory<TDbContext>, EntityFrameworkOutboxContextFactory<TDbContext>>();
        configurator.AddOptions<EntityFrameworkOutboxOptions<TDbContext>>().Configure(options =>
        {
            options.IsolationLevel = _isolationLevel;
            options.LockStatementProvider = _lockStatementProvider;
        });

        if (_inboxCleanup)
        {
            configurator.AddHostedService<InboxCleanupService<TDbContext>>();
            configurator.AddOptions<InboxCleanupServiceOptions<TDbContext>>().Configure(options =>
            {
                options.DuplicateDetectionWindow = DuplicateDetectionWindow;
                options.QueryDelay = QueryDelay;
                options.QueryMessageLimit = QueryMessageLimit;
                options.QueryTimeout = QueryTimeout;
            });
        }

        if (_busOutbox == null)
            return;

        configurator.ReplaceScoped<IScopedBusContextProvider<IBus>, EntityFrameworkScopedBusContextProvider<IBus, TDbContext>>();
        configurator.TryAddSingleton<IBusOutboxNotification, BusOutboxNotification>();
        configurator.AddOptions<OutboxDeliveryServiceOptions>().Configure(options =>
        {
            options.QueryDelay = QueryDelay;
            options.QueryMessageLimit = QueryMessageLimit;
            options.QueryTimeout = QueryTimeout;
            options.MessageDeliveryLimit = _busOutbox.MessageDeliveryLimit;
            options.MessageDeliveryTimeout = _busOutbox.MessageDeliveryTimeout;
        });

        if (_busOutbox.DeliveryService)
            configurator.AddHostedService<BusOutboxDeliveryService<TDbContext>>();
    }

    sealed class EntityFrameworkBusOutboxConfigurator : IEntityFrameworkBusOutboxConfigurator
    {
        public bool DeliveryService { get; private set; } = true;

        public int MessageDeliveryLimit { get; set; } = 100;

        public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public void DisableDeliveryService() => DeliveryService = false;
    }
}
