namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Fault_Specs
{
    [Test]
    public async Task A_message_that_still_fails_after_its_retries_moves_to_the_error_queue_with_the_fault_headers()
    {
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("fault");
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<FailingWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("failing-work", e =>
            {
                e.UseMessageRetry(r => r.Immediate(2));
                e.ConfigureConsumer<FailingWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(log));

        var id = Guid.NewGuid();
        await (await bus.Bus.GetSendEndpoint(new Uri("queue:failing-work"))).Send(new FailingWork(id));

        using var inspector = new QueueInspector();
        var faulted = await inspector.Peek($"{scope}_failing-work_error", TimeSpan.FromSeconds(30));
        faulted.ShouldNotBeNull();
        var (message, headers) = faulted.Value;

        log.Entries.Count(e => e.Id == id).ShouldBe(3, "the first attempt and two immediate retries");
        message.Body.ShouldContain(id.ToString());
        headers["MT-Fault-ExceptionType"].ShouldBe("System.InvalidOperationException");
        headers["MT-Fault-Message"].ShouldBe($"Work {id} cannot be done");
        headers["MT-Fault-StackTrace"].ShouldContain(nameof(FailingWorkConsumer));
        headers["MT-Host-MachineName"].ShouldBe(Environment.MachineName);
        headers["MT-Reason"].ShouldBe("fault");
        headers.ShouldContainKey("MT-Fault-Timestamp");
        (await inspector.Depth($"{scope}_failing-work")).ShouldBe(0, "the faulted message left its queue");
    }

    [Test]
    public async Task A_message_no_consumer_takes_moves_to_the_skipped_queue()
    {
        var scope = SqsBus.NewScope("skipped");
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<ProcessOrderConsumer>(),
            services: s => s.AddSingleton(new ConsumedLog<Consumed>()));

        var id = Guid.NewGuid();
        await (await bus.Bus.GetSendEndpoint(new Uri("queue:ProcessOrder"))).Send(new UnhandledMessage(id));

        using var inspector = new QueueInspector();
        var skipped = await inspector.Peek($"{scope}_ProcessOrder_skipped", TimeSpan.FromSeconds(30));
        skipped.ShouldNotBeNull();
        skipped.Value.Message.Body.ShouldContain(id.ToString());
        skipped.Value.Headers["MT-Reason"].ShouldBe("dead-letter");
    }

    [Test]
    public async Task Every_queue_dead_letters_poison_messages_after_the_configured_receives()
    {
        var scope = SqsBus.NewScope("redrive");
        await using var bus = await SqsBus.StartAsync(scope, x =>
            {
                x.AddConsumer<ProcessOrderConsumer>();
                x.AddConsumer<SlowWorkConsumer>();
            },
            (context, cfg) => cfg.ReceiveEndpoint("five-receives", e =>
            {
                e.MaxReceiveCount = 5;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(new ConsumedLog<Consumed>()).AddSingleton<Concurrency>());

        using var inspector = new QueueInspector();
        var defaultPolicy = (await inspector.Attributes($"{scope}_ProcessOrder"))["RedrivePolicy"];
        defaultPolicy.ShouldContain($"{scope}_ProcessOrder_dlq");
        defaultPolicy.ShouldContain("\"maxReceiveCount\":\"3\"");
        (await inspector.Attributes($"{scope}_five-receives"))["RedrivePolicy"].ShouldContain("\"maxReceiveCount\":\"5\"");

        // A process that crashes mid-consume never acknowledges: after three such receives SQS moves the message aside.
        // (Received here directly, on a queue the transport created but nobody consumes.)
        await (await bus.Bus.GetSendEndpoint(new Uri("queue:poison"))).Send(new ProcessOrder(Guid.NewGuid(), 1));
        for (var receive = 0; receive < 3; receive++)
            (await inspector.Peek($"{scope}_poison", TimeSpan.FromSeconds(10))).ShouldNotBeNull();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await inspector.Peek($"{scope}_poison", TimeSpan.FromSeconds(2))).ShouldBeNull();
        (await inspector.Peek($"{scope}_poison_dlq", TimeSpan.FromSeconds(10))).ShouldNotBeNull();
    }
}
