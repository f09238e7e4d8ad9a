using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.StateMachines;

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
        using var budget = StepBudget.Start(context.CancellationToken, processing.Value, saga.Value.StepTimeout);
        try
        {
            await step(budget.Token);
        }
        catch (OperationCanceledException) when (budget.Exceeded is { } exceeded)
        {
            logger.LogWarning("Step stopped: {Reason}", exceeded.Message);
            throw exceeded;
        }
        catch (Exception e) when (WorkerResourceException.From(e) is { } exhausted && exhausted != e)
        {
            throw exhausted;
        }
    }
}
