using Npgsql;
using SagaFiles.DevStack;
using SagaFiles.Testing;

namespace SagaFiles.Persistence.Postgres.Tests;

/// <summary>What <see cref="PostgresConcurrency.IsOutage" /> (the saga endpoint's database outage retry) waits out, and what not.</summary>
[TestFixture]
public class DatabaseOutage_Specs
{
    string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _connectionString = await SampleDatabase.CreateAsync("database_outage", migrate: false);

    [Test]
    public async Task A_server_that_refuses_connections_is_an_outage()
    {
        var nobody = new NpgsqlConnectionStringBuilder(_connectionString) { Port = Tools.FreePort(), Pooling = false, Timeout = 2 }.ConnectionString;
        await using var connection = new NpgsqlConnection(nobody);

        var refused = await Should.ThrowAsync<NpgsqlException>(() => connection.OpenAsync());

        PostgresConcurrency.IsOutage(refused).ShouldBeTrue(refused.ToString());
        PostgresConcurrency.IsOutage(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", refused))
            .ShouldBeTrue("as EF Core's execution strategy wraps it");
    }

    [Test]
    public async Task A_connection_terminated_by_a_shutdown_is_an_outage()
    {
        await using var victim = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = false }.ConnectionString);
        await victim.OpenAsync();
        await using (var admin = new NpgsqlConnection(_connectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({victim.ProcessID})", admin);
            (await terminate.ExecuteScalarAsync()).ShouldBe(true);
        }

        await using var query = new NpgsqlCommand("SELECT 1", victim);
        var terminated = await Should.ThrowAsync<NpgsqlException>(() => query.ExecuteScalarAsync());

        terminated.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.AdminShutdown);
        PostgresConcurrency.IsOutage(terminated).ShouldBeTrue();
    }

    [Test]
    public async Task Wrong_work_and_concurrency_conflicts_are_not_outages()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var wrong = new NpgsqlCommand("SELECT * FROM no_such_table", connection);
        var error = await Should.ThrowAsync<PostgresException>(() => wrong.ExecuteScalarAsync());

        PostgresConcurrency.IsOutage(error).ShouldBeFalse();
        PostgresConcurrency.IsOutage(new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresConcurrency.SerializationFailure))
            .ShouldBeFalse("the concurrency retry handles it");
    }
}
