using System.Data;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;

namespace MassTransit;

/// <summary>Settings of the EF Core saga repository; the same members as MassTransit.EntityFrameworkCore's configurator.</summary>
public interface IEntityFrameworkSagaRepositoryConfigurator
{
    /// <summary>Optimistic (recommended: a <c>uint RowVersion</c> mapped to xmin, plus a retry policy) or pessimistic (SELECT ... FOR UPDATE).</summary>
    ConcurrencyMode ConcurrencyMode { set; }

    /// <summary>Defaults to ReadCommitted (optimistic) or Serializable (pessimistic), as in MassTransit.EntityFrameworkCore.</summary>
    IsolationLevel IsolationLevel { set; }

    ILockStatementProvider LockStatementProvider { set; }

    /// <summary>Use a DbContext registered in the container (e.g. with AddDbContext), resolved from the message's scope.</summary>
    void ExistingDbContext<TContext>()
        where TContext : DbContext;

    /// <summary>Create a DbContext per use (disposed after use).</summary>
    void DatabaseFactory(Func<DbContext> databaseFactory);

    /// <summary>Create a DbContext per use, with a factory built from the container (disposed after use).</summary>
    void DatabaseFactory(Func<IServiceProvider, Func<DbContext>> databaseFactory);
}

public interface IEntityFrameworkSagaRepositoryConfigurator<TSaga> : IEntityFrameworkSagaRepositoryConfigurator
    where TSaga : class, ISaga
{
    /// <summary>Shape the query that loads an instance (e.g. Include related entities).</summary>
    void CustomizeQuery(Func<IQueryable<TSaga>, IQueryable<TSaga>> queryCustomization);
}
