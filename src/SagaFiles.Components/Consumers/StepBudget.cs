using System.Globalization;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// The budget of one run of a step, as a cancellation token that the step passes to everything it awaits. It is
/// cancelled when the run passes <see cref="ProcessingOptions.MaxStepDuration" />, when the worker process holds more
/// than <see cref="ProcessingOptions.MaxWorkerMemoryBytes" />, when the run itself passes <c>FileSaga:StepTimeout</c> (by
/// then the saga has sent the attempt again, and this run only holds a worker slot), or when the message's own token is.
/// <see cref="Exceeded" /> says how the step fails then.
/// The run's own time counts, not the time since the command was sent: behind a backlog longer than the step timeout
/// (a burst of files, an outbox catching up after a database restart) every command would arrive past a deadline
/// counted from sending, and each attempt would be stopped on arrival while the saga kept sending new ones. The step
/// timeout counts from the run's last reported progress (<see cref="Advanced" />), as the saga's does.
/// </summary>
sealed class StepBudget : IDisposable
{
    static readonly TimeSpan MemoryCheckInterval = TimeSpan.FromMilliseconds(250);

    readonly CancellationTokenSource _cancellation;
    readonly Timer _maxDuration;
    readonly Timer _stepTimeout;
    readonly TimeSpan _stepTimeoutAfter;
    readonly Timer _memoryCheck;
    Exception? _exceeded;

    StepBudget(CancellationToken consumeToken, TimeSpan maxDuration, TimeSpan stepTimeout, long maxMemoryBytes, Func<long> processMemory)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(consumeToken);
        // The file's own budget fails it for good; a deadline passed only ends a run the saga has already replaced.
        _maxDuration = new Timer(_ => Stop(new InvalidFileException(string.Create(CultureInfo.InvariantCulture,
                $"The step ran longer than the {maxDuration} allowed and was stopped (limit MaxStepDuration, raise Processing:MaxStepDuration to allow more)."))),
            null, maxDuration, Timeout.InfiniteTimeSpan);
        _stepTimeoutAfter = stepTimeout;
        _stepTimeout = new Timer(_ => Stop(new AttemptSupersededException(
            "The attempt was stopped: it ran past FileSaga:StepTimeout without progress, and the saga has sent the step again.")),
            null, stepTimeout, Timeout.InfiniteTimeSpan);
        _memoryCheck = new Timer(_ =>
        {
            var used = processMemory();
            if (used > maxMemoryBytes)
                Stop(new InvalidFileException(string.Create(CultureInfo.InvariantCulture,
                    $"The worker held {used / (1024 * 1024):N0} MiB while the step ran, more than the {maxMemoryBytes / (1024 * 1024):N0} MiB allowed, and the step was stopped (limit MaxWorkerMemoryBytes, raise Processing:MaxWorkerMemoryBytes to allow more).")));
        }, null, MemoryCheckInterval, MemoryCheckInterval);
    }

    /// <summary>What the step passes to everything it awaits.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <param name="consumeToken">The message's token (the worker stopping).</param>
    /// <param name="options">The duration and memory budgets.</param>
    /// <param name="stepTimeout">FileSaga:StepTimeout: after it the saga sends the attempt again.</param>
    /// <param name="processMemory">The process's resident bytes; <see cref="Environment.WorkingSet" /> when null.</param>
    public static StepBudget Start(CancellationToken consumeToken, ProcessingOptions options, TimeSpan stepTimeout,
        Func<long>? processMemory = null) =>
        new(consumeToken, options.MaxStepDuration, stepTimeout, options.MaxWorkerMemoryBytes, processMemory ?? (() => Environment.WorkingSet));

    /// <summary>The run reported progress: its step timeout counts from now, as the saga's deadline does.</summary>
    public void Advanced() => _stepTimeout.Change(_stepTimeoutAfter, Timeout.InfiniteTimeSpan);

    /// <summary>The exception the step fails with when its budget stopped it; null when it did not (the worker is stopping).</summary>
    public Exception? Exceeded => Volatile.Read(ref _exceeded);

    void Stop(Exception exceeded)
    {
        if (Interlocked.CompareExchange(ref _exceeded, exceeded, null) is not null)
            return;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The step ended as the budget ran out.
        }
    }

    public void Dispose()
    {
        _maxDuration.Dispose();
        _stepTimeout.Dispose();
        _memoryCheck.Dispose();
        _cancellation.Dispose();
    }
}

/// <summary>A run stopped at its attempt's deadline: not the file's fault, and the saga has sent the attempt again.</summary>
public sealed class AttemptSupersededException(string message) : Exception(message);
