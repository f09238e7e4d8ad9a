using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Persistence.Postgres.Migrations;

/// <summary>Applies a DbContext's pending EF Core migrations.</summary>
public static class MigrationExtensions
{
    /// <summary>
    /// Migrates <typeparamref name="TContext" /> to the latest migration in its own scope. Safe to run from several processes
    /// at once: EF Core takes a database lock around the migration.
    /// </summary>
    public static async Task MigrateAsync<TContext>(this IServiceProvider services, CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        await using var scope = services.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TContext>();
        await dbContext.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Migrate the database at start-up, before any other hosted service (the bus included) starts.</summary>
    public static IServiceCollection AddMigrationHostedService<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddHostedService<MigrationHostedService<TContext>>();
        return services;
    }
}

/// <summary>
/// Runs the migrations in <see cref="IHostedLifecycleService.StartingAsync" />, which the host completes before it starts any
/// hosted service, so the bus, the outbox delivery service and request handling never see an old schema.
/// </summary>
public sealed class MigrationHostedService<TContext>(IServiceProvider services, ILogger<MigrationHostedService<TContext>> logger) : IHostedLifecycleService
    where TContext : DbContext
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Applying migrations of {DbContext}", typeof(TContext).Name);
        await services.MigrateAsync<TContext>(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
