using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;

namespace SagaFiles.Api.Tests;

/// <summary>
/// The files' events on Postgres (docs/adr/0012): file transactions commit side by side, and positions, handed out by
/// <see cref="FileEventSequencer" />, never go back.
/// </summary>
public class FileEventSequencer_Specs
{
    [Test]
    public async Task A_files_commit_does_not_wait_for_another_file_transaction_committing()
    {
        var (first, second) = (await NewFileAsync(), await NewFileAsync());
        await using var slow = await OpenAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await AddTransitionAsync(slow, first);
        // Its events now, as at the start of its commit (the trigger is deferred to commit).
        await ExecuteAsync(slow, "SET CONSTRAINTS ALL IMMEDIATE");

        await using var other = await OpenAsync();
        await ExecuteAsync(other, "SET lock_timeout = '3s'");
        await Should.NotThrowAsync(() => AddTransitionAsync(other, second), "a commit waiting on the other transaction would run out of lock_timeout");

        await slowTransaction.CommitAsync();
        (await PositionsAsync(first)).Count.ShouldBe(2);
    }

    [Test]
    public async Task An_event_of_a_transaction_that_commits_late_comes_after_every_position_already_given()
    {
        var (older, newer) = (await NewFileAsync(), await NewFileAsync());
        await using var slow = await OpenAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await AddTransitionAsync(slow, older);
        await ExecuteAsync(slow, "SET CONSTRAINTS ALL IMMEDIATE");
        await using (var other = await OpenAsync())
            await AddTransitionAsync(other, newer); // committed while the older transaction runs

        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<FileEventSequencer>().SequenceAsync(CancellationToken.None);
        (await UnsequencedAsync(newer)).ShouldBe(1, "a newer transaction's event waits while an older one runs");
        var readThrough = await MaxPositionAsync(); // what a reader may have read by now

        await slowTransaction.CommitAsync();
        var olderPosition = (await PositionsAsync(older))[^1];
        olderPosition.ShouldBeGreaterThan(readThrough, "no reader can have passed it");
        (await PositionsAsync(newer))[^1].ShouldBeGreaterThan(olderPosition, "the older transaction's event first");
    }

    /// <summary>A file in its own tenant, with its first transition sequenced.</summary>
    static async Task<Guid> NewFileAsync()
    {
        var fileId = Guid.NewGuid();
        var tenant = $"seq-{fileId:N}"[..16];
        var file = new FileState { CorrelationId = fileId, CurrentState = FileStates.Pending };
        file.Accept(new FileUploaded
        {
            FileId = fileId, Tenant = tenant, Bucket = "incoming", Key = $"uploads/{fileId}/data.csv", OriginalName = "data.csv",
            ContentType = "text/csv", Size = 42, UploadedAt = DateTimeOffset.UtcNow
        }, DateTimeOffset.UtcNow);
        file.Transitioned("Initial", FileStates.Pending, DateTimeOffset.UtcNow, completed: null, error: null);
        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
            db.Files.Add(file);
            await db.SaveChangesAsync();
        }

        (await PositionsAsync(fileId)).Count.ShouldBe(1);
        return fileId;
    }

    /// <summary>One more history entry (a copy of the first), so the trigger writes a transition.</summary>
    static Task AddTransitionAsync(NpgsqlConnection connection, Guid fileId) =>
        ExecuteAsync(connection, "UPDATE files SET history = history || jsonb_build_array(history -> 0) WHERE correlation_id = $1", fileId);

    /// <summary>The file's event positions once all its events have one (the API's sequencer runs every 100 ms).</summary>
    static async Task<List<long>> PositionsAsync(Guid fileId)
    {
        await Eventually.Until(() => UnsequencedAsync(fileId), count => count == 0, $"every event of {fileId} sequenced", 10, nameof(FileEventSequencer));
        await using var connection = await OpenAsync();
        await using var select = new NpgsqlCommand("SELECT position FROM file_events WHERE file_id = $1 ORDER BY position", connection)
        {
            Parameters = { new() { Value = fileId } }
        };
        var positions = new List<long>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            positions.Add(reader.GetInt64(0));
        return positions;
    }

    static async Task<long> UnsequencedAsync(Guid fileId)
    {
        await using var connection = await OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM file_events WHERE file_id = $1 AND position IS NULL", connection)
        {
            Parameters = { new() { Value = fileId } }
        };
        return (long)(await count.ExecuteScalarAsync())!;
    }

    static async Task<long> MaxPositionAsync()
    {
        await using var connection = await OpenAsync();
        await using var max = new NpgsqlCommand("SELECT max(position) FROM file_events", connection);
        return (long)(await max.ExecuteScalarAsync())!;
    }

    static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(SagaFilesApp.Settings["ConnectionStrings__SagaFiles"]);
        await connection.OpenAsync();
        return connection;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync();
    }
}
