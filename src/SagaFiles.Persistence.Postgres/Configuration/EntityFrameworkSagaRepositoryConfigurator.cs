using System.Data;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaFiles.Persistence.Postgres.Saga;

namespace SagaFiles.Persistence.Postgres.Configuration;

public sealed class EntityFrameworkSagaRepositoryConfigurator<TSaga> : IEntityFrameworkSagaRepositoryConfigurator<TSaga>
    where TSaga : class, ISaga
{
    ConcurrencyMode _concurrencyMode = ConcurrencyMode.Pessimistic;
    IsolationLevel? _isolationLevel;
    ILockStatementProvider _lockStatementProvider = new PostgresLockStatementProvider();
    Func<IQueryable<TSaga>, IQueryable<TSaga>>? _queryCustomization;
    Action<IServiceCollection>? _registerDbContextFactory;

    public ConcurrencyMode ConcurrencyMode { set => _concurrencyMode = value; }

    public IsolationLevel IsolationLevel { set => _isolationLevel = value; }

    public ILockStatementProvider LockStatementProvider { set => _lockStatementProvider = value ?? throw new ArgumentNullException(nameof(value)); }

    public void CustomizeQuery(Func<IQueryable<TSaga>, IQueryable<TSaga>> queryCustomization) => _queryCustomization = queryCustomization;

    public void ExistingDbContext<TContext>()
        where TContext : DbContext =>
        _registerDbContextFactory = services => services.TryAddScoped<ISagaDbContextFactory<TSaga>, ContainerSagaDbContextFactory<TContext, TSaga>>();

    public void DatabaseFactory(Func<DbContext> databaseFactory) => DatabaseFactory(_ => databaseFactory);

    public void DatabaseFactory(Func<IServiceProvider, Func<DbContext>> databaseFactory) =>
        _registerDbContextFactory = services =>
            services.TryAddScoped<ISagaDbContextFactory<TSaga>>(provider => new DelegateSagaDbContextFactory<TSaga>(databaseFactory(provider)));

    public void Register(ISagaRepositoryRegistrationConfigurator<TSaga> configurator)
    {
        if (_registerDbContextFactory == null)
            throw new ConfigurationException($"The EF saga repository of {typeof(TSaga).Name} needs a DbContext: call ExistingDbContext<T>() or DatabaseFactory(...)");

        _registerDbContextFactory(configurator);

        var isolationLevel = _isolationLevel
            ?? (_concurrencyMode == ConcurrencyMode.Optimistic ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable);
        var options = new SagaRepositoryOptions<TSaga>(_concurrencyMode, isolationLevel, _lockStatementProvider, _queryCustomization);
        configurator.TryAddSingleton(options);

        configurator.RegisterLoadSagaRepository<TSaga, EntityFrameworkSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterQuerySagaRepository<TSaga, EntityFrameworkSagaRepositoryContextFactory<TSaga>>();
        configurator.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
            EntityFrameworkSagaRepositoryContextFactory<TSaga>>();
    }
}
