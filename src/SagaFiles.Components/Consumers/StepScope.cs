using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Components.Consumers;

/// <summary>Around one run of a step: a log scope {FileId, Attempt, Step} and the time the step took.</summary>
sealed class StepScope : IDisposable
{
    readonly long _started = Stopwatch.GetTimestamp();
    readonly IDisposable? _scope;

    StepScope(ILogger logger, StepCommand command, string step) =>
        _scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["FileId"] = command.FileId, ["Attempt"] = command.Attempt, ["Step"] = step
        });

    /// <summary>This worker, as completions name it: machine/process.</summary>
    public static string WorkerHost { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>How far the run is, as the step tracks it; reported by <see cref="StepBudgets" />.</summary>
    public StepProgress Progress { get; } = new();

    public static StepScope Begin(ILogger logger, StepCommand command, string step) => new(logger, command, step);

    public void Dispose() => _scope?.Dispose();
}
