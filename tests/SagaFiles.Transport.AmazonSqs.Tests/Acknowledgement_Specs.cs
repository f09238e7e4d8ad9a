namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Acknowledgement_Specs
{
    [Test]
    public async Task A_consumer_working_past_the_visibility_timeout_keeps_its_message_and_is_not_redelivered()
    {
        // Scaled from "a 2-minute consume on a 30-second visibility timeout": 24 s of work on a 4 s timeout (6 timeouts).
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("visibility");
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<SlowWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("slow-work", e =>
            {
                e.VisibilityTimeout = 4;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(log).AddSingleton<Concurrency>());

        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:slow-work"));
        await endpoint.Send(new SlowWork(Guid.NewGuid(), 24_000));

        await log.WaitFor(1, TimeSpan.FromSeconds(60));
        using var inspector = new QueueInspector();
        await Task.Delay(TimeSpan.FromSeconds(6));
        log.Count.ShouldBe(1, "the message must not have been handed to a second consume while the first still held it");
        (await inspector.Depth($"{scope}_slow-work")).ShouldBe(0, "the consumed message is deleted");
    }

    [Test]
    public async Task A_message_is_deleted_only_after_its_consume_succeeds_and_deletes_are_batched()
    {
        var handler = new CountingHandler();
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("ack");
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<SlowWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("acked-work", e =>
            {
                e.PrefetchCount = 20;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(log).AddSingleton<Concurrency>(), sqsConfig: CountingHandler.SqsConfig(handler));

        using var inspector = new QueueInspector();
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:acked-work"));

        await endpoint.Send(new SlowWork(Guid.NewGuid(), 4_000));
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await inspector.Depth($"{scope}_acked-work")).ShouldBe(1, "while the consumer works the message is held, not deleted");
        await log.WaitFor(1, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 30; i++)
            await endpoint.Send(new SlowWork(Guid.NewGuid(), 200));
        await log.WaitFor(31, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1));

        (await inspector.Depth($"{scope}_acked-work")).ShouldBe(0);
        handler.Count("DeleteMessage").ShouldBe(0, "deletes go through DeleteMessageBatch");
        handler.Count("DeleteMessageBatch").ShouldBeLessThan(31, "concurrent completions share batches");
    }

    [Test]
    public async Task At_most_the_concurrent_message_limit_runs_at_once_and_long_polling_keeps_idle_receives_rare()
    {
        var handler = new CountingHandler();
        var log = new ConsumedLog<Consumed>();
        var concurrency = new Concurrency();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("limits"), x => x.AddConsumer<SlowWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("limited-work", e =>
            {
                e.PrefetchCount = 6;
                e.ConcurrentMessageLimit = 2;
                e.WaitTimeSeconds = 5;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(log).AddSingleton(concurrency), sqsConfig: CountingHandler.SqsConfig(handler));

        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:limited-work"));
        for (var i = 0; i < 8; i++)
            await endpoint.Send(new SlowWork(Guid.NewGuid(), 500));
        await log.WaitFor(8, TimeSpan.FromSeconds(60));
        concurrency.Max.ShouldBe(2);

        var before = handler.Count("ReceiveMessage", about: "limited-work");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var idleReceives = handler.Count("ReceiveMessage", about: "limited-work") - before;
        idleReceives.ShouldBeLessThanOrEqualTo(4, "a 5-second long poll makes about two receive calls in 10 idle seconds");
    }
}
