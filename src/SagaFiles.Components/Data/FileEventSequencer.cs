using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Components.Data;

/// <summary>
/// Hands out the positions of <c>file_events</c> and announces the files they belong to (docs/adr/0012). The trigger
/// that writes an event takes no lock and sends no notification, so file transactions commit side by side; every
/// <c>Progress:SequenceInterval</c> (default 100 ms) this gives the next positions to the events of transactions that
/// have ended, oldest transaction first, and sends one notification per file on <see cref="Channel" />, in one short
/// transaction. An event of a transaction still running waits, and so does every event of a newer transaction, so
/// positions never go back: a reader that has seen position n never sees a smaller one appear later.
/// <list type="bullet">
/// <item>One sequencer at a time: the others find the advisory lock taken and skip the round.</item>
/// <item>A long transaction holds back the events of the transactions that began after it, not their commits.</item>
/// </list>
/// </summary>
public sealed class FileEventSequencer(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<FileEventSequencer> logger)
    : BackgroundService
{
    /// <summary>The channel the progress streams listen on; the payload is <c>tenant:file-id</c>.</summary>
    public const string Channel = "file_changes";

    /// <summary>Events per round; a full round is followed by the next at once.</summary>
    const int BatchSize = 1000;

    /// <summary>The advisory lock one sequencer holds at a time (an arbitrary number, the same in every instance).</summary>
    internal const long SequenceLock = 0x5A6A_F11E_E7E7_0001;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Progress:SequenceInterval", TimeSpan.FromMilliseconds(100));
        if (interval <= TimeSpan.Zero)
            throw new InvalidOperationException("Progress:SequenceInterval must be positive.");
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while (await SequenceAsync(stoppingToken) == BatchSize)
                    {
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The events wait in the table: the next round sequences them.
                    logger.LogWarning(e, "Sequencing file events failed; trying again in {Interval}", interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: positions for the events of ended transactions, at most <see cref="BatchSize" />.</summary>
    /// <returns>The events sequenced; 0 also when another instance holds the round.</returns>
    public async Task<int> SequenceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({SequenceLock}) AS \"Value\"").SingleAsync(cancellationToken))
            return 0;

        // Every transaction older than the oldest one still running has ended: its events are all there, and no newer
        // event can come from it. Positions follow (transaction, id): a transaction's events in the order it wrote them.
        var sequenced = await db.Database.SqlQuery<SequencedEvent>($"""
            WITH ready AS MATERIALIZED (
                SELECT id, row_number() OVER (ORDER BY xid, id) AS n
                FROM file_events
                WHERE position IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY xid, id
                LIMIT {BatchSize}),
            counter AS (
                UPDATE file_event_counter SET last_position = last_position + (SELECT count(*) FROM ready)
                WHERE EXISTS (SELECT FROM ready)
                RETURNING last_position - (SELECT count(*) FROM ready) AS base)
            UPDATE file_events e SET position = counter.base + ready.n
            FROM ready, counter
            WHERE e.id = ready.id
            RETURNING e.tenant, e.file_id
            """).ToListAsync(cancellationToken);
        if (sequenced.Count > 0)
        {
            var changed = sequenced.Select(e => $"{e.Tenant}:{e.FileId}").Distinct().ToArray();
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, payload) FROM unnest({changed}) AS payload", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return sequenced.Count;
    }

    internal sealed record SequencedEvent(string Tenant, Guid FileId);
}
