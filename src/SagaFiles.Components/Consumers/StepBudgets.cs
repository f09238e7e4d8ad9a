using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Metrics;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Runs every step within its <see cref="StepBudget" /> (Processing:MaxStepDuration, Processing:MaxWorkerMemoryBytes, the
/// attempt's FileSaga:StepTimeout): the step's work gets the budget's token, and a run the budget stopped fails with the
/// budget's reason instead of a bare cancellation. A full disk or too many open files fail the attempt as transient,
/// saying which (<see cref="WorkerResourceException" />). While the step runs, its progress is reported every
/// Processing:ProgressInterval in which it advanced (<see cref="StepProgressed" />), moving its step timeout on.
/// </summary>
public sealed class StepBudgets(IOptions<ProcessingOptions> processing, IOptions<FileSagaOptions> saga)
{
    public async Task RunAsync<TCommand>(ConsumeContext<TCommand> context, StepProgress progress, ILogger logger, Func<CancellationToken, Task> step)
        where TCommand : StepCommand
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = FileMetrics.Completed;
        using var budget = StepBudget.Start(context.CancellationToken, processing.Value, saga.Value.StepTimeout);
        using var running = new CancellationTokenSource();
        var reports = ReportProgressAsync(context, progress, budget, logger, running.Token);
        try
        {
            await step(budget.Token);
        }
        catch (Exception e)
        {
            var failure = Failure(e, budget, logger);
            outcome = FailureClasses.Of(failure);
            if (failure == e)
                throw;
            throw failure;
        }
        finally
        {
            await running.CancelAsync();
            await reports;
            // Every run, retried ones too: the histogram shows how long runs take and how often each kind of failure costs.
            FileMetrics.StepRan(FileSteps.Sending(context.Message).Name, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    async Task ReportProgressAsync<TCommand>(ConsumeContext<TCommand> context, StepProgress progress, StepBudget budget, ILogger logger,
        CancellationToken running)
        where TCommand : StepCommand
    {
        using var ticks = new PeriodicTimer(processing.Value.ProgressInterval);
        StepReading? reported = null;
        try
        {
            while (await ticks.WaitForNextTickAsync(running))
            {
                if (progress.Read() is not { } read || !read.Advanced(reported))
                    continue;
                // A processor that reads its input again moves back in it (and counts its rows again): reports never go back.
                var reading = read with
                {
                    BytesDone = Math.Max(read.BytesDone, reported?.BytesDone ?? 0),
                    RowsDone = read.RowsDone is { } rows ? Math.Max(rows, reported?.RowsDone ?? 0) : null
                };
                budget.Advanced();
                try
                {
                    // Not cancelled when the step ends: the receive awaits every publish of its consume, and a cancelled
                    // one faulted it after the step had succeeded (the command came back, and after MaxReceiveCount
                    // went to the _dlq). RunAsync waits for a report in flight before it returns.
                    await context.Publish(new StepProgressed
                    {
                        FileId = context.Message.FileId, Attempt = context.Message.Attempt, Step = FileSteps.Sending(context.Message).Name,
                        BytesDone = reading.BytesDone, BytesTotal = reading.BytesTotal,
                        RowsDone = reading.RowsDone, EntriesDone = reading.EntriesDone, EntriesTotal = reading.EntriesTotal
                    }, context.CancellationToken);
                    reported = reading;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A lost report only lets the saga's deadline come sooner: the step goes on, and the next tick tries again.
                    logger.LogWarning(e, "Could not report the step's progress");
                }
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            // The step ended.
        }
    }

    /// <summary>What the run fails with: the budget's reason instead of a bare cancellation, an exhausted worker resource as such.</summary>
    static Exception Failure(Exception exception, StepBudget budget, ILogger logger)
    {
        if (exception is OperationCanceledException && budget.Exceeded is { } exceeded)
        {
            logger.LogWarning("Step stopped: {Reason}", exceeded.Message);
            return exceeded;
        }

        return WorkerResourceException.From(exception) ?? exception;
    }
}
