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
/// saying which (<see cref="WorkerResourceException" />).
/// </summary>
public sealed class StepBudgets(IOptions<ProcessingOptions> processing, IOptions<FileSagaOptions> saga)
{
    public async Task RunAsync(ConsumeContext context, ILogger logger, Func<CancellationToken, Task> step)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = FileMetrics.Completed;
        using var budget = StepBudget.Start(context.CancellationToken, processing.Value, saga.Value.StepTimeout);
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
            // Every run, retried ones too: the histogram shows how long runs take and how often each kind of failure costs.
            if (context is ConsumeContext<StepCommand> command)
                FileMetrics.StepRan(FileSteps.Sending(command.Message).Name, outcome, Stopwatch.GetElapsedTime(started));
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
