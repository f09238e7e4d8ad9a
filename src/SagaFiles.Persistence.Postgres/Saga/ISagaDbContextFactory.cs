using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace SagaFiles.Persistence.Postgres.Saga;

/// <summary>Supplies the DbContext the saga repository works on.</summary>
public interface ISagaDbContextFactory<out TSaga>
    where TSaga : class, ISaga
{
    /// <summary>A DbContext for queries outside a message (query and load repositories).</summary>
    DbContext Create();

    /// <summary>The DbContext for one consumed message: the consume scope's own, so a saga and the outbox share it.</summary>
    DbContext CreateScoped<T>(ConsumeContext<T> context)
        where T : class;

    ValueTask ReleaseAsync(DbContext dbContext);
}

/// <summary>Resolves the DbContext registered in the container (scoped); the container disposes it.</summary>
public sealed class ContainerSagaDbContextFactory<TContext, TSaga>(TContext dbContext) : ISagaDbContextFactory<TSaga>
    where TContext : DbContext
    where TSaga : class, ISaga
{
    public DbContext Create() => dbContext;

    public DbContext CreateScoped<T>(ConsumeContext<T> context)
        where T : class => dbContext;

    public ValueTask ReleaseAsync(DbContext context) => ValueTask.CompletedTask;
}

/// <summary>Creates a DbContext per use from a delegate and disposes it afterwards.</summary>
public sealed class DelegateSagaDbContextFactory<TSaga>(Func<DbContext> factory) : ISagaDbContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public DbContext Create() => factory();

    public DbContext CreateScoped<T>(ConsumeContext<T> context)
        where T : class => factory();

    public ValueTask ReleaseAsync(DbContext dbContext) => dbContext.DisposeAsync();
}
