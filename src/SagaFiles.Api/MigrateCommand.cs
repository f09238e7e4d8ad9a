using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api;

/// <summary>
/// <c>SagaFiles.Api migrate</c>: brings the database schema up to date and exits, for a deployment's migration job, so that
/// the API's own instances can start with <c>Database:MigrateOnStart=false</c> and without the right to change the schema.
/// </summary>
public static class MigrateCommand
{
    public static bool Handles(string[] args) => args is ["migrate"];

    public static async Task<int> RunAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Database;
        try
        {
            var pending = (await database.GetPendingMigrationsAsync()).ToList();
            // EF Core holds a database lock while it migrates: two jobs started together apply each migration once.
            await database.MigrateAsync();
            Console.WriteLine(pending.Count == 0
                ? "The database is up to date."
                : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}.");
            return 0;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"migrate failed: {exception.Message}");
            return 1;
        }
    }
}
