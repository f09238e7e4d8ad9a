using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SagaFiles.Components.Data;

/// <summary>
/// Opens the connection pool's minimum (<c>Minimum Pool Size</c>) before the host takes messages, each connection reading
/// every table of the model once. Npgsql keeps that many open but opens them only as they are asked for, so a fresh worker
/// otherwise started a Postgres backend, and had it load its catalog, on each of its first concurrent messages: in a
/// two-worker burst right after start, 6-8 per worker and about 2 ms of Postgres CPU per file (docs/benchmarks.md).
/// Best effort, within <see cref="Timeout" />: without the database (or before the migrations) it says so and start-up goes on.
/// </summary>
public sealed class ConnectionPoolWarmUp(IServiceScopeFactory scopes, ILogger<ConnectionPoolWarmUp> logger) : IHostedService
{
    /// <summary>How long start-up waits for the connections at most.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string connectionString;
        string[] tables;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
            connectionString = db.Database.GetConnectionString()!;
            tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToArray();
        }
        var count = new NpgsqlConnectionStringBuilder(connectionString).MinPoolSize;
        if (count == 0)
            return;

        // A table's first use in a backend loads its catalog entries; LIMIT 0 reads no rows.
        var touch = string.Join("; ", tables.Select(t => $"SELECT FROM \"{t}\" LIMIT 0"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var started = TimeProvider.System.GetTimestamp();
        var connections = new List<NpgsqlConnection>();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                var connection = new NpgsqlConnection(connectionString);
                lock (connections)
                    connections.Add(connection);
                await connection.OpenAsync(timeout.Token);
                await using var command = new NpgsqlCommand(touch, connection);
                await command.ExecuteNonQueryAsync(timeout.Token);
            }));
            logger.LogInformation("Opened {Connections} database connections in {Elapsed:0} ms before taking messages", count,
                TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not open the {Connections} database connections at start ({Reason}); they open as messages need them",
                count, e.Message);
        }
        finally
        {
            // Back to the pool, which keeps them open.
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
