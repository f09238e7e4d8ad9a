using SagaFiles.Testing;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public class DeadLetterRedrive_Specs
{
    [Test]
    public async Task A_faulted_message_redriven_after_the_fix_is_consumed_once_as_a_fresh_delivery()
    {
        var scope = SqsBus.NewScope("redrive");
        var consumer = new RedriveWorkConsumer.State { Failing = true };
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<RedriveWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("redrive-work", e => e.ConfigureConsumer<RedriveWorkConsumer>(context)),
            services: s => s.AddSingleton(consumer));
        using var inspector = new QueueInspector();
        using var sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        var redrive = new AmazonSqsDeadLetterRedrive(sqs, scope);

        var id = Guid.NewGuid();
        await (await bus.Bus.GetSendEndpoint(new Uri("queue:redrive-work"))).Send(new RedriveWork(id));
        (await inspector.Peek($"{scope}_redrive-work_error", TimeSpan.FromSeconds(30))).ShouldNotBeNull();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the peek's visibility timeout

        consumer.Failing = false;
        var moved = await redrive.RedriveAsync("redrive-work", FailedMessageQueue.Error, CancellationToken.None);

        moved.ShouldBe(1);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (consumer.Succeeded.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(3)); // room for a duplicate to show
        consumer.Succeeded.ShouldHaveSingleItem().Id.ShouldBe(id);
        consumer.Succeeded.Single().FaultHeaders.ShouldBeEmpty("the redriven message carries no fault headers");
        (await inspector.Depth($"{scope}_redrive-work_error")).ShouldBe(0);
        (await inspector.Depth($"{scope}_redrive-work")).ShouldBe(0);
    }

    [Test]
    public async Task A_poison_message_redriven_from_the_dead_letter_queue_is_consumed_once()
    {
        var scope = SqsBus.NewScope("poison");
        using var inspector = new QueueInspector();
        var id = Guid.NewGuid();
        await using (var sender = await SqsBus.StartAsync(scope))
            await (await sender.Bus.GetSendEndpoint(new Uri("queue:poison-work"))).Send(new RedriveWork(id));

        // Three receives never acknowledged (a consumer that crashed each time): SQS moves the message to the _dlq.
        for (var receive = 0; receive < 3; receive++)
            (await inspector.Peek($"{scope}_poison-work", TimeSpan.FromSeconds(10))).ShouldNotBeNull();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await inspector.Peek($"{scope}_poison-work", TimeSpan.FromSeconds(2))).ShouldBeNull();
        (await inspector.Depth($"{scope}_poison-work_dlq")).ShouldBe(1);

        using var sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        var redrive = new AmazonSqsDeadLetterRedrive(sqs, scope);
        (await redrive.RedriveAsync("poison-work", FailedMessageQueue.Error, CancellationToken.None)).ShouldBeNull("nothing faulted: no error queue");
        (await redrive.RedriveAsync("poison-work", FailedMessageQueue.DeadLetter, CancellationToken.None)).ShouldBe(1);

        var consumer = new RedriveWorkConsumer.State();
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<RedriveWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("poison-work", e => e.ConfigureConsumer<RedriveWorkConsumer>(context)),
            services: s => s.AddSingleton(consumer));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (consumer.Succeeded.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(3)); // room for a duplicate to show
        consumer.Succeeded.ShouldHaveSingleItem().Id.ShouldBe(id);
        (await inspector.Depth($"{scope}_poison-work_dlq")).ShouldBe(0);
        (await inspector.Depth($"{scope}_poison-work")).ShouldBe(0);
    }

    [Test]
    public async Task Redriving_a_queue_without_an_error_queue_answers_null_and_bad_names_are_refused()
    {
        using var sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        var redrive = new AmazonSqsDeadLetterRedrive(sqs, SqsBus.NewScope("nothing"));

        (await redrive.RedriveAsync("never-faulted", FailedMessageQueue.Error, CancellationToken.None)).ShouldBeNull();
        redrive.ValidateQueueName("../etc").ShouldNotBeNull();
        redrive.ValidateQueueName(new string('q', 80)).ShouldNotBeNull();
        redrive.ValidateQueueName("convert-file").ShouldBeNull();
        await Should.ThrowAsync<ArgumentException>(() => redrive.RedriveAsync("a b", FailedMessageQueue.DeadLetter, CancellationToken.None));
    }
}

public record RedriveWork(Guid Id);

/// <summary>Fails while <see cref="State.Failing" /> is set (no retries: straight to the error queue), then records what it consumed.</summary>
public sealed class RedriveWorkConsumer(RedriveWorkConsumer.State state) : IConsumer<RedriveWork>
{
    public Task Consume(ConsumeContext<RedriveWork> context)
    {
        if (state.Failing)
            throw new InvalidOperationException("not fixed yet");
        var faultHeaders = context.Headers.GetAll().Where(h => h.Key.StartsWith("MT-Fault-") || h.Key == MessageHeaders.Reason).Select(h => h.Key).ToList();
        state.Succeeded.Enqueue((context.Message.Id, faultHeaders));
        return Task.CompletedTask;
    }

    public sealed class State
    {
        public volatile bool Failing;

        public System.Collections.Concurrent.ConcurrentQueue<(Guid Id, List<string> FaultHeaders)> Succeeded { get; } = new();
    }
}
