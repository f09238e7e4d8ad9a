using Microsoft.Extensions.Hosting;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Steps;

/// <summary>
/// Stops the host at start-up when the steps are not described exactly once: a step command, completion or machine state
/// that <see cref="FileSteps.All" /> lacks, or a name, state, queue, command, completion or consumer described twice.
/// </summary>
public sealed class StepModelCheck(IReadOnlyList<FileStep> steps, StateMachine<FileState>? machine) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = Problems(steps, machine).ToList();
        return problems.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException($"The file steps (FileSteps.All) are not described exactly once: {string.Join(" ", problems)}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What is wrong with <paramref name="steps" />, alone and against <paramref name="machine" /> when given.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<FileStep> steps, StateMachine<FileState>? machine)
    {
        foreach (var (what, key) in new (string, Func<FileStep, object>)[]
                 {
                     ("name", s => s.Name), ("state", s => s.State), ("queue", s => s.Queue), ("command", s => s.Command),
                     ("completion", s => s.Completion), ("consumer", s => s.Consumer)
                 })
        foreach (var twice in steps.GroupBy(key).Where(g => g.Count() > 1))
            yield return $"The {what} {Display(twice.Key)} is described by more than one step ({string.Join(", ", twice.Select(s => s.Name))}).";

        foreach (var state in steps.Select(s => s.State).Intersect(FileStates.WithoutStep))
            yield return $"The state {state} is not a step's.";
        foreach (var queue in steps.Select(s => s.Queue).Where(q => q == FileSteps.PreserveFailedQueue))
            yield return $"The queue {queue} is not a step's.";

        foreach (var type in typeof(StepCommand).Assembly.GetTypes().Where(t => !t.IsAbstract))
        {
            if (type.IsSubclassOf(typeof(StepCommand)) && steps.All(s => s.Command != type))
                yield return $"The command {type.Name} is sent by no step.";
            if (type.IsSubclassOf(typeof(StepCompleted)) && steps.All(s => s.Completion != type))
                yield return $"The completion {type.Name} answers no step.";
        }

        if (machine == null)
            yield break;
        var states = machine.States.Select(s => s.Name).ToHashSet();
        foreach (var step in steps.Where(s => !states.Contains(s.State)))
            yield return $"Step {step.Name}: the state machine has no state {step.State}.";
        foreach (var state in states.Except(FileStates.WithoutStep).Except(steps.Select(s => s.State)))
            yield return $"The state machine's state {state} belongs to no step.";

        var messages = machine.Events.Select(MessageOf).OfType<Type>().ToHashSet();
        foreach (var step in steps)
        {
            if (!messages.Contains(step.Completion))
                yield return $"Step {step.Name}: the state machine has no event for {step.Completion.Name}.";
            if (!messages.Contains(typeof(Fault<>).MakeGenericType(step.Command)))
                yield return $"Step {step.Name}: the state machine has no event for Fault<{step.Command.Name}>.";
        }
    }

    static string Display(object key) => key is Type type ? type.Name : key.ToString() ?? "";

    /// <summary>The message type of an <c>Event&lt;T&gt;</c>; null for an event without data.</summary>
    static Type? MessageOf(Event @event) =>
        @event.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(Event<>))?.GetGenericArguments()[0];
}
