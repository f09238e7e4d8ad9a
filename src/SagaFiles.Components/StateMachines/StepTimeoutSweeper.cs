using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// Reports the step attempts nobody answered by their deadline: every <see cref="FileSagaOptions.StepTimeoutSweepInterval" />
/// it publishes <see cref="StepTimedOut" /> for the files whose <see cref="FileState.StepTimeoutAt" /> has passed (a partial
/// index holds only the files with an attempt running), and the saga sends the step again or fails the file. A deadline
/// is a column, not a delayed message per file: a file whose steps answer in time costs nothing here (docs/adr/0011).
/// <list type="bullet">
/// <item>One worker sweeps at a time: the others find the advisory lock taken and skip the round.</item>
/// <item>A report is a plain publish, not through the outbox: one that is lost is made again at the next round, as the
/// deadline is still past. A report made twice, or crossing the attempt's answer, changes nothing in the saga.</item>
/// </list>
/// </summary>
public sealed class StepTimeoutSweeper(
    IServiceScopeFactory scopes,
    IBus bus,
    TimeProvider clock,
    IOptions<FileSagaOptions> options,
    ILogger<StepTimeoutSweeper> logger) : BackgroundService
{
    /// <summary>Reports per query; a round goes on while it finds this many.</summary>
    const int BatchSize = 500;

    /// <summary>The advisory lock that one sweeper holds at a time (an arbitrary number, the same in every worker).</summary>
    internal const long SweepLock = 0x5A6A_F11E_7130_0001;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StepTimeoutSweepInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database or the bus is away for now: the deadlines stay past, the next round reports them.
                    logger.LogWarning(e, "Sweeping step timeouts failed; trying again in {Interval}", options.Value.StepTimeoutSweepInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: reports every attempt past its deadline now.</summary>
    /// <returns>The attempts reported; 0 also when another worker holds the round.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({SweepLock}) AS \"Value\"").SingleAsync(cancellationToken))
            return 0;

        var reported = 0;
        var now = clock.GetUtcNow();
        var (after, afterId) = (DateTimeOffset.MinValue, Guid.Empty);
        while (true)
        {
            // Pages in deadline order, each after the last: a deadline moved on meanwhile is not met again in this round.
            var due = await db.Database.SqlQuery<DueAttempt>($"""
                SELECT correlation_id AS file_id, current_step AS step, attempt, step_timeout_at AS deadline
                FROM files
                WHERE step_timeout_at <= {now} AND (step_timeout_at, correlation_id) > ({after}, {afterId})
                ORDER BY step_timeout_at, correlation_id
                LIMIT {BatchSize}
                """).ToListAsync(cancellationToken);
            if (due.Count == 0)
                break;

            await bus.PublishBatch(due.Select(f => new StepTimedOut { FileId = f.FileId, Step = f.Step, Attempt = f.Attempt }), cancellationToken);
            foreach (var attempt in due)
                logger.LogInformation("File {FileId}: {Step} attempt {Attempt} is past its deadline {Deadline}", attempt.FileId, attempt.Step,
                    attempt.Attempt, attempt.Deadline);
            reported += due.Count;
            if (due.Count < BatchSize)
                break;
            (after, afterId) = (due[^1].Deadline, due[^1].FileId);
        }

        await transaction.CommitAsync(cancellationToken);
        return reported;
    }
}

/// <summary>A running attempt past its deadline, as the sweeper reads it.</summary>
public sealed record DueAttempt(Guid FileId, string Step, int Attempt, DateTimeOffset Deadline);
