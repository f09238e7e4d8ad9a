namespace SagaFiles.Transport.AmazonSqs.Tests;

public record StartReminder(Guid ReminderId);

public record ReminderDue(Guid ReminderId);

public record ReminderFired(Guid ReminderId, DateTimeOffset StartedAt);

public sealed class ReminderState : SagaStateMachineInstance
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = "";

    public Guid? ReminderTokenId { get; set; }

    public DateTimeOffset StartedAt { get; set; }
}

/// <summary>A saga that schedules a message to itself: the shape every step timeout in SagaFiles takes.</summary>
public sealed class ReminderStateMachine : MassTransitStateMachine<ReminderState>
{
    public ReminderStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Start, x => x.CorrelateById(m => m.Message.ReminderId));
        Schedule(() => Due, x => x.ReminderTokenId, s =>
        {
            s.Delay = TimeSpan.FromSeconds(3);
            s.Received = r => r.CorrelateById(m => m.Message.ReminderId);
        });

        Initially(When(Start)
            .Then(context => context.Saga.StartedAt = DateTimeOffset.UtcNow)
            .Schedule(Due, context => new ReminderDue(context.Saga.CorrelationId))
            .TransitionTo(Waiting));

        During(Waiting, When(Due.Received)
            .Publish(context => new ReminderFired(context.Saga.CorrelationId, context.Saga.StartedAt))
            .TransitionTo(Fired));
    }

    public State Waiting { get; } = null!;

    public State Fired { get; } = null!;

    public Event<StartReminder> Start { get; } = null!;

    public Schedule<ReminderState, ReminderDue> Due { get; } = null!;
}

public sealed class ReminderFiredConsumer(ConsumedLog<(ReminderFired Message, DateTimeOffset At)> log) : IConsumer<ReminderFired>
{
    public Task Consume(ConsumeContext<ReminderFired> context)
    {
        log.Add((context.Message, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public class Saga_Schedule_Specs
{
    [Test]
    public async Task A_saga_schedule_fires_through_the_transport_after_its_delay()
    {
        var log = new ConsumedLog<(ReminderFired Message, DateTimeOffset At)>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("sagaschedule"), x =>
            {
                x.AddDelayedMessageScheduler();
                x.AddSagaStateMachine<ReminderStateMachine, ReminderState>().InMemoryRepository();
                x.AddConsumer<ReminderFiredConsumer>();
            },
            (_, cfg) => cfg.UseDelayedMessageScheduler(),
            services: s => s.AddSingleton(log));

        var id = Guid.NewGuid();
        await bus.Bus.Publish(new StartReminder(id));

        var (fired, at) = (await log.WaitFor(1, TimeSpan.FromSeconds(40))).Single();
        fired.ReminderId.ShouldBe(id);
        (at - fired.StartedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(50));
    }
}
