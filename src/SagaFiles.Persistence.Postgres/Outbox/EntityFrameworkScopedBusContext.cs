using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// The bus outbox: outside a consumer (an API request, a hosted service), <c>IPublishEndpoint</c> and
/// <c>ISendEndpointProvider</c> resolved from a scope write to the scope's DbContext instead of the transport. The messages
/// commit with the caller's <c>SaveChangesAsync</c> and the delivery service sends them afterwards.
/// </summary>
public sealed class EntityFrameworkScopedBusContext<TBus, TDbContext> : ScopedBusContext, OutboxSendContext, IDisposable
    where TBus : class, IBus
    where TDbContext : DbContext
{
    readonly TBus _bus;
    readonly IClientFactory _clientFactory;
    readonly TDbContext _dbContext;
    readonly IBusOutboxNotification _notification;
    readonly IServiceProvider _provider;
    readonly object _lock = new();
    EntityEntry<OutboxState>? _outboxState;
    IPublishEndpoint? _publishEndpoint;
    ISendEndpointProvider? _sendEndpointProvider;
    IScopedClientFactory? _scopedClientFactory;

    public EntityFrameworkScopedBusContext(TBus bus, TDbContext dbContext, IBusOutboxNotification notification, IClientFactory clientFactory,
        IServiceProvider provider)
    {
        _bus = bus;
        _dbContext = dbContext;
        _notification = notification;
        _clientFactory = clientFactory;
        _provider = provider;
    }

    public ISendEndpointProvider SendEndpointProvider => _sendEndpointProvider ??= new OutboxSendEndpointProvider(this, _bus);

    public IPublishEndpoint PublishEndpoint => _publishEndpoint ??= new PublishEndpoint(new OutboxPublishEndpointProvider(this, _bus));

    public IScopedClientFactory ClientFactory =>
        _scopedClientFactory ??= new ScopedClientFactory(new ClientFactory(new ScopedClientFactoryContext(_clientFactory, _provider)), null);

    public Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        Guid outboxId;
        lock (_lock)
        {
            // One OutboxState per SaveChanges: once the previous batch is saved, the next message starts a new one.
            if (_outboxState != null && IsSaved(_outboxState))
            {
                _notification.Delivered();
                _outboxState = null;
            }

            _outboxState ??= _dbContext.Add(new OutboxState { OutboxId = NewId.NextGuid(), Created = DateTime.UtcNow });
            outboxId = _outboxState.Entity.OutboxId;
        }

        return _dbContext.Set<OutboxMessage>().AddSend(context, SystemTextJsonMessageSerializer.Instance, outboxId: outboxId);
    }

    public object? GetService(Type serviceType) => _provider.GetService(serviceType);

    public void Dispose()
    {
        // Wake the delivery service now rather than at its next poll.
        if (_outboxState != null && IsSaved(_outboxState))
            _notification.Delivered();
        _outboxState = null;
    }

    static bool IsSaved(EntityEntry<OutboxState> entry) => entry.State == EntityState.Unchanged;
}

/// <summary>Chooses the scope's bus context: the consume context inside a consumer, the EF bus outbox everywhere else.</summary>
public sealed class EntityFrameworkScopedBusContextProvider<TBus, TDbContext> : IScopedBusContextProvider<TBus>, IDisposable
    where TBus : class, IBus
    where TDbContext : DbContext
{
    public EntityFrameworkScopedBusContextProvider(TBus bus, TDbContext dbContext, IBusOutboxNotification notification,
        Bind<TBus, IClientFactory> clientFactory, Bind<TBus, IScopedConsumeContextProvider> consumeContextProvider,
        IScopedConsumeContextProvider globalConsumeContextProvider, IServiceProvider provider)
    {
        if (consumeContextProvider.Value.HasContext)
            Context = new ConsumeContextScopedBusContext(consumeContextProvider.Value.GetContext(), clientFactory.Value);
        else if (globalConsumeContextProvider.HasContext)
            Context = new ConsumeContextScopedBusContext<TBus>(bus, globalConsumeContextProvider.GetContext(), clientFactory.Value, provider);
        else
            Context = new EntityFrameworkScopedBusContext<TBus, TDbContext>(bus, dbContext, notification, clientFactory.Value, provider);
    }

    public ScopedBusContext Context { get; }

    public void Dispose() => (Context as IDisposable)?.Dispose();
}
