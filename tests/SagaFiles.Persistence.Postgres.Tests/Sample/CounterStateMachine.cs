using MassTransit;

namespace SagaFiles.Persistence.Postgres.Tests.Sample;

/// <summary>Counts every <see cref="CounterIncremented" />; a lost update shows up as a count below the number sent.</summary>
public class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine(ContentionProbe probe)
    {
        Event(() => Incremented, e => e.CorrelateById(m => m.Message.CounterId));

        InstanceState(x => x.CurrentState);

        Initially(
            When(Incremented)
                .Then(context => Count(context, probe))
                .TransitionTo(Counting));

        During(Counting,
            When(Incremented)
                .Then(context => Count(context, probe)));
    }

    public State Counting { get; private set; } = null!;

    public Event<CounterIncremented> Incremented { get; private set; } = null!;

    static void Count(BehaviorContext<CounterState> context, ContentionProbe probe)
    {
        context.Saga.Count++;
        if (context.GetRetryAttempt() > 0)
            probe.Retried();
    }
}

/// <summary>Counts deliveries that ran again after losing a race: evidence that a test really produced contention.</summary>
public sealed class ContentionProbe
{
    int _retries;

    public int Retries => Volatile.Read(ref _retries);

    public void Retried() => Interlocked.Increment(ref _retries);
}
