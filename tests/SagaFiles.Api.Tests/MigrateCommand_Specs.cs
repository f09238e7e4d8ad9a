using Npgsql;
using SagaFiles.DevStack;

namespace SagaFiles.Api.Tests;

/// <summary>The API's <c>migrate</c> command, a deployment's migration job: an empty database up to date, then nothing to do.</summary>
public class MigrateCommand_Specs
{
    [Test]
    public async Task Migrate_brings_an_empty_database_up_to_date_and_a_second_run_has_nothing_to_do()
    {
        var connectionString = await SagaFilesApp.Stack.CreateDatabaseAsync("migrate");
        var settings = new Dictionary<string, string>(SagaFilesApp.Settings) { ["ConnectionStrings__SagaFiles"] = connectionString };

        var first = await HostProcess.RunApiCommandAsync(settings, ["migrate"]);
        first.ExitCode.ShouldBe(0, first.Output);
        first.Output.ShouldContain("_UploadedByText");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var files = new NpgsqlCommand("select count(*) from files", connection);
            (await files.ExecuteScalarAsync()).ShouldBe(0L, "the files table exists");
        }

        var second = await HostProcess.RunApiCommandAsync(settings, ["migrate"]);
        second.ExitCode.ShouldBe(0, second.Output);
        second.Output.ShouldContain("The database is up to date.");
    }

    [Test]
    public async Task Migrate_against_a_database_it_cannot_reach_exits_with_1_saying_why()
    {
        var settings = new Dictionary<string, string>(SagaFilesApp.Settings)
        {
            ["ConnectionStrings__SagaFiles"] = $"Host=127.0.0.1;Port={Tools.FreePort()};Username=postgres;Password=postgres;Database=none;Timeout=3"
        };

        var result = await HostProcess.RunApiCommandAsync(settings, ["migrate"]);

        result.ExitCode.ShouldBe(1, result.Output);
        result.Output.ShouldContain("migrate failed");
    }
}
