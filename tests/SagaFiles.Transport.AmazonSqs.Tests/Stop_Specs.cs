namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Stop_Specs
{
    [Test]
    public async Task Stopping_finishes_in_flight_messages_and_hands_the_rest_back_at_once()
    {
        var log = new ConsumedLog<Consumed>();
        var concurrency = new Concurrency();
        var scope = SqsBus.NewScope("stop");
        void Configure(IBusRegistrationContext context, IAmazonSqsBusFactoryConfigurator cfg) =>
            cfg.ReceiveEndpoint("stoppable-work", e =>
            {
                e.PrefetchCount = 5;
                e.ConcurrentMessageLimit = 1;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            });

        var ids = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        var first = await SqsBus.StartAsync(scope, x => x.AddConsumer<SlowWorkConsumer>(), Configure,
            services: s => s.AddSingleton(log).AddSingleton(concurrency));
        var endpoint = await first.Bus.GetSendEndpoint(new Uri("queue:stoppable-work"));
        foreach (var id in ids)
            await endpoint.Send(new SlowWork(id, 2_000));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (concurrency.Max == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        concurrency.Max.ShouldBe(1, "one message is being consumed when the stop begins");

        await first.DisposeAsync();
        var finishedBeforeStop = log.Count;
        finishedBeforeStop.ShouldBeGreaterThanOrEqualTo(1, "the in-flight message finishes before the bus stops");

        // The queue's visibility timeout is 30 s: the rest arriving well before that shows they were handed back, not abandoned.
        var restarted = DateTimeOffset.UtcNow;
        await using var second = await SqsBus.StartAsync(scope, x => x.AddConsumer<SlowWorkConsumer>(), Configure,
            services: s => s.AddSingleton(log).AddSingleton(concurrency));
        var consumed = await log.WaitFor(ids.Count, TimeSpan.FromSeconds(25));

        consumed.Select(c => c.Id).ShouldBe(ids, ignoreOrder: true, "every message consumed exactly once, none lost");
        (DateTimeOffset.UtcNow - restarted).ShouldBeLessThan(TimeSpan.FromSeconds(25));
    }
}
