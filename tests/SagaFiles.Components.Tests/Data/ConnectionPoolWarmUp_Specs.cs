using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NUnit.Framework;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.Testing;
using Shouldly;

namespace SagaFiles.Components.Tests.Data;

/// <summary>A worker opens the connections it keeps before it takes messages, and starts without them when it cannot.</summary>
public class ConnectionPoolWarmUp_Specs
{
    [Test]
    public async Task The_pools_minimum_is_open_before_the_first_message_and_serves_it()
    {
        var connectionString = await TestStackSetUpFixture.Stack.CreateDatabaseAsync("warm_up");
        var logs = new CapturedLogs();
        await using var services = Services(connectionString, minPoolSize: 3, logs);
        await services.MigrateAsync<SagaFilesDbContext>();
        NpgsqlConnection.ClearAllPools(); // the migration's connections: only the warm-up's count

        await WarmUp(services).StartAsync(CancellationToken.None);

        (await BackendsAsync(connectionString)).ShouldBe(3);
        logs.Entries.ShouldContain(e => e.Level == LogLevel.Information && e.Message.StartsWith("Opened 3 database connections"));
        // The DbContexts take those connections: no new backend for a message's queries.
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Files.CountAsync();
        (await BackendsAsync(connectionString)).ShouldBe(3);
        NpgsqlConnection.ClearAllPools();
    }

    [Test]
    public async Task Without_the_database_start_up_goes_on_and_says_why()
    {
        var logs = new CapturedLogs();
        // Nothing listens on port 1.
        await using var services = Services("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2", minPoolSize: 3, logs);

        await WarmUp(services).StartAsync(CancellationToken.None);

        logs.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Could not open the 3 database connections at start"));
    }

    [Test]
    public async Task A_host_that_keeps_no_connections_open_tries_none()
    {
        var logs = new CapturedLogs();
        await using var services = Services("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2", minPoolSize: null, logs);

        await WarmUp(services).StartAsync(CancellationToken.None);

        logs.Entries.ShouldBeEmpty();
    }

    static ServiceProvider Services(string connectionString, int? minPoolSize, CapturedLogs logs)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseRegistration.ConnectionStringName}"] = connectionString
        }).Build();
        return new ServiceCollection().AddLogging(l => l.AddProvider(logs)).AddSagaFilesDatabase(configuration, minPoolSize: minPoolSize)
            .BuildServiceProvider();
    }

    static ConnectionPoolWarmUp WarmUp(ServiceProvider services) => ActivatorUtilities.CreateInstance<ConnectionPoolWarmUp>(services);

    /// <summary>The server's connections to the database, this count's own (unpooled) not included.</summary>
    static async Task<long> BackendsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
