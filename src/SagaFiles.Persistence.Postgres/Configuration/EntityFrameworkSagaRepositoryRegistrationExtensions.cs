using MassTransit.EntityFrameworkCoreIntegration;
using SagaFiles.Persistence.Postgres.Configuration;

namespace MassTransit;

/// <summary>
/// Registration of the EF Core saga repository, named as in MassTransit.EntityFrameworkCore so that moving to the official
/// package means changing the package reference only:
/// <code>
/// x.AddSagaStateMachine&lt;FileStateMachine, FileState&gt;().EntityFrameworkRepository(r =&gt;
/// {
///     r.ConcurrencyMode = ConcurrencyMode.Optimistic;
///     r.ExistingDbContext&lt;SagaFilesDbContext&gt;();
///     r.UsePostgres();
/// });
/// </code>
/// </summary>
public static class EntityFrameworkSagaRepositoryRegistrationExtensions
{
    public static ISagaRegistrationConfigurator<TSaga> EntityFrameworkRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator,
        Action<IEntityFrameworkSagaRepositoryConfigurator<TSaga>> configure)
        where TSaga : class, ISaga
    {
        var repositoryConfigurator = new EntityFrameworkSagaRepositoryConfigurator<TSaga>();
        configure(repositoryConfigurator);

        configurator.Repository(x => repositoryConfigurator.Register(x));

        return configurator;
    }

    /// <summary>Lock statements for PostgreSQL (the only database this repository supports).</summary>
    public static IEntityFrameworkSagaRepositoryConfigurator<TSaga> UsePostgres<TSaga>(this IEntityFrameworkSagaRepositoryConfigurator<TSaga> configurator,
        string? schemaName = null)
        where TSaga : class, ISaga
    {
        configurator.LockStatementProvider = new PostgresLockStatementProvider(schemaName);
        return configurator;
    }
}
