using Npgsql;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.Testing;

namespace SagaFiles.Persistence.Postgres.Tests.Support;

/// <summary>A fresh database per fixture on the test stack's server, migrated to the sample model.</summary>
public static class SampleDatabase
{
    public static async Task<string> CreateAsync(string prefix, bool migrate = true)
    {
        var connectionString = await TestStackSetUpFixture.Stack.CreateDatabaseAsync(prefix);
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 40 }.ConnectionString;

        if (migrate)
        {
            await using var services = new ServiceCollection().AddSampleDbContext(connectionString).BuildServiceProvider();
            await services.MigrateAsync<SampleDbContext>();
        }

        return connectionString;
    }

    public static SampleDbContext Open(string connectionString)
    {
        var options = new DbContextOptionsBuilder<SampleDbContext>();
        SampleDbContext.Configure(options, connectionString);
        return new SampleDbContext(options.Options);
    }

    /// <summary>Polls the database until <paramref name="condition" /> holds; throws TimeoutException otherwise.</summary>
    public static async Task WaitUntil(string connectionString, Func<SampleDbContext, Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            await using (var db = Open(connectionString))
            {
                if (await condition(db))
                    return;
            }

            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {timeout} for: {what}");
            }
        }
    }
}
