using SagaFiles.Components.Metrics;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Steps;

/// <summary>
/// One step of a file's way through SagaFiles, described once: the state machine, the consumer registration, the API's
/// views, the dead-letter redrive and the logs all read it from <see cref="FileSteps.All" />.
/// </summary>
public sealed record FileStep
{
    /// <summary>The step's name, and its label wherever it shows: the file's history and steps, the API, logs.</summary>
    public required string Name { get; init; }

    /// <summary>The saga state the file is in while the step runs (a state of <see cref="FileStateMachine" />).</summary>
    public required string State { get; init; }

    /// <summary>The queue the saga sends the command to and the consumer receives from, without the environment prefix.</summary>
    public required string Queue { get; init; }

    /// <summary>The command the saga sends for each attempt.</summary>
    public required Type Command { get; init; }

    /// <summary>The event the consumer publishes when an attempt succeeded.</summary>
    public required Type Completion { get; init; }

    /// <summary>The consumer that runs the step.</summary>
    public required Type Consumer { get; init; }

    public required StepPolicy Policy { get; init; }

    /// <summary>The command for the file's current attempt of this step, from what its record knows so far.</summary>
    public required Func<FileState, StepCommand> CommandFor { get; init; }

    public Uri Address => new($"queue:{Queue}");

    /// <summary>
    /// Starts <paramref name="file" />'s next attempt at this step: its deadline set (<see cref="FileState.StepTimeoutAt" />)
    /// and its command sent through <paramref name="sends" />, the saga's consume context or the intake's bus outbox.
    /// </summary>
    public async Task StartAttemptAsync(FileState file, DateTimeOffset now, TimeSpan timeout, ISendEndpointProvider sends,
        CancellationToken cancellationToken)
    {
        file.StartStep(Name, now, now + timeout);
        FileMetrics.AttemptStarted(Name);
        var endpoint = await sends.GetSendEndpoint(Address);
        await endpoint.Send(CommandFor(file), Command, cancellationToken);
    }

    /// <summary>A step whose consumer <typeparamref name="TConsumer" /> takes <typeparamref name="TCommand" /> and answers <typeparamref name="TCompletion" />.</summary>
    public static FileStep Of<TCommand, TCompletion, TConsumer>(string name, string state, string queue, StepPolicy policy,
        Func<FileState, TCommand> command)
        where TCommand : StepCommand
        where TCompletion : StepCompleted
        where TConsumer : class, IConsumer<TCommand> =>
        new()
        {
            Name = name, State = state, Queue = queue, Command = typeof(TCommand), Completion = typeof(TCompletion), Consumer = typeof(TConsumer),
            Policy = policy, CommandFor = command
        };
}

/// <summary>
/// How a step's consumer runs and retries an attempt. The attempts the saga makes after a fault or a timeout
/// (<see cref="FileSagaOptions" />) are the same for every step.
/// </summary>
public sealed record StepPolicy
{
    /// <summary>Waits between in-process retries of a transient error; their sum stays far below the queue's visibility timeout.</summary>
    public static readonly IReadOnlyList<TimeSpan> QuickRetries = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <summary>Redeliveries after the in-process retries: the message goes back to the queue for a later try.</summary>
    public static readonly IReadOnlyList<TimeSpan> Redeliveries = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)];

    /// <summary>Commands one worker runs at once.</summary>
    public required int ConcurrentMessageLimit { get; init; }

    public IReadOnlyList<TimeSpan> RetryIntervals { get; init; } = QuickRetries;

    public IReadOnlyList<TimeSpan> RedeliveryIntervals { get; init; } = Redeliveries;
}
