namespace SagaFiles.Transport.AmazonSqs.Tests;

/// <summary>Sends, publishes and deletes leave in batches; an entry SQS fails is sent again or its message redelivered, never lost.</summary>
public class Batching_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Many_sends_to_one_queue_leave_in_batches_and_each_arrives_once()
    {
        var handler = new BatchFaultHandler();
        var log = new ConsumedLog<Consumed>();
        await using var bus = await StartWorkBus("sendbatch", handler, log);
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));

        var ids = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => endpoint.Send(new SlowWork(id, 10))));

        await log.WaitFor(ids.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        log.Entries.Select(e => e.Id).ShouldBe(ids, ignoreOrder: true, "each message arrives exactly once");
        handler.Count("SendMessage").ShouldBe(0, "sends go through SendMessageBatch");
        handler.Count("SendMessageBatch", about: "batched-work").ShouldBeLessThan(ids.Count / 3, "concurrent sends share requests");
    }

    [Test]
    public async Task A_send_entry_that_SQS_failed_on_its_side_is_sent_again_and_arrives_once()
    {
        var handler = new BatchFaultHandler();
        var log = new ConsumedLog<Consumed>();
        await using var bus = await StartWorkBus("sendretry", handler, log);
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));
        handler.Fail("SendMessageBatch", 3, "InternalError", senderFault: false);

        var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => endpoint.Send(new SlowWork(id, 10))));

        await log.WaitFor(ids.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        handler.Failed.Count.ShouldBe(3, "three entries were answered as failed");
        log.Entries.Select(e => e.Id).ShouldBe(ids, ignoreOrder: true, "each message arrives exactly once, the failed ones too");
    }

    [Test]
    public async Task A_send_entry_refused_as_the_senders_fault_fails_its_send_and_is_not_delivered()
    {
        var handler = new BatchFaultHandler();
        var log = new ConsumedLog<Consumed>();
        await using var bus = await StartWorkBus("sendrefused", handler, log);
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));
        await endpoint.Send(new SlowWork(Guid.NewGuid(), 0)); // the queue exists: the next request is the batch
        await log.WaitFor(1, Timeout);
        handler.Fail("SendMessageBatch", 1, "InvalidParameterValue", senderFault: true);

        var refused = Guid.NewGuid();
        var exception = await Should.ThrowAsync<Exception>(() => endpoint.Send(new SlowWork(refused, 0)));

        var connection = Chain(exception).OfType<AmazonSqsConnectionException>().ShouldHaveSingleItem();
        connection.IsTransient.ShouldBeFalse("the sender's fault is not worth another try");
        connection.Message.ShouldContain("InvalidParameterValue");
        await Task.Delay(TimeSpan.FromSeconds(3));
        log.Entries.ShouldNotContain(e => e.Id == refused);
    }

    [Test]
    public async Task A_message_whose_delete_failed_is_redelivered_and_then_deleted()
    {
        var handler = new BatchFaultHandler();
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("deletefail");
        await using var bus = await StartWorkBus(scope, handler, log, isScope: true);
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));
        handler.Fail("DeleteMessageBatch", 1, "ReceiptHandleIsInvalid", senderFault: true);

        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => endpoint.Send(new SlowWork(id, 10))));

        await log.WaitFor(ids.Count + 1, Timeout);
        using var inspector = new QueueInspector();
        await WaitForDepth(inspector, $"{scope}_batched-work", 0);
        await Task.Delay(TimeSpan.FromSeconds(3));
        handler.Failed.Count.ShouldBe(1);
        log.Entries.Select(e => e.Id).Distinct().ShouldBe(ids, ignoreOrder: true);
        log.Count.ShouldBe(ids.Count + 1, "the message whose delete failed came back once more; none was lost");
    }

    [Test]
    public async Task A_delete_that_SQS_failed_on_its_side_is_retried_and_the_message_is_not_redelivered()
    {
        var handler = new BatchFaultHandler();
        var log = new ConsumedLog<Consumed>();
        var scope = SqsBus.NewScope("deleteretry");
        await using var bus = await StartWorkBus(scope, handler, log, isScope: true);
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));
        handler.Fail("DeleteMessageBatch", 2, "InternalError", senderFault: false);

        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select(id => endpoint.Send(new SlowWork(id, 10))));

        await log.WaitFor(ids.Count, Timeout);
        using var inspector = new QueueInspector();
        await WaitForDepth(inspector, $"{scope}_batched-work", 0);
        await Task.Delay(TimeSpan.FromSeconds(3));
        handler.Failed.Count.ShouldBe(2);
        log.Entries.Select(e => e.Id).ShouldBe(ids, ignoreOrder: true, "deleted on the retry: no message consumed twice");
    }

    [Test]
    public async Task Many_publishes_to_one_topic_leave_in_PublishBatch_requests_and_each_arrives_once()
    {
        var sns = new SnsCountingHandler();
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("pubbatch"), x => x.AddConsumer<BillingConsumer>(),
            services: s => s.AddSingleton(log), host: h => h.SnsHttpClient(new HttpClient(sns)));

        var ids = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(ids.Select((id, number) => bus.Bus.Publish(new OrderSubmitted(id, number))));

        await log.WaitFor(ids.Count, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(3));
        log.Entries.Select(e => e.Id).ShouldBe(ids, ignoreOrder: true, "each event arrives exactly once");
        sns.Count("Publish").ShouldBe(0, "publishes go through PublishBatch");
        sns.Count("PublishBatch").ShouldBeLessThan(ids.Count / 3, "concurrent publishes share requests");
    }

    [Test]
    public async Task With_batching_off_each_message_is_its_own_request()
    {
        var handler = new BatchFaultHandler();
        var sns = new SnsCountingHandler();
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("nobatch"), x =>
            {
                x.AddConsumer<SlowWorkConsumer>();
                x.AddConsumer<BillingConsumer>();
            },
            (context, cfg) => cfg.ReceiveEndpoint("batched-work", e => e.ConfigureConsumer<SlowWorkConsumer>(context)),
            services: s => s.AddSingleton(log).AddSingleton<Concurrency>(), sqsConfig: handler.SqsConfig(), host: h =>
            {
                h.SnsHttpClient(new HttpClient(sns));
                h.Batching(b => b.Deletes.Enabled = b.Sends.Enabled = b.Publishes.Enabled = false);
            });
        var endpoint = await bus.Bus.GetSendEndpoint(new Uri("queue:batched-work"));

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => endpoint.Send(new SlowWork(Guid.NewGuid(), 0))));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(number => bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), number))));

        await log.WaitFor(10, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(2));
        handler.Count("SendMessage").ShouldBe(5);
        handler.Count("SendMessageBatch").ShouldBe(0);
        handler.Count("DeleteMessage").ShouldBe(10);
        handler.Count("DeleteMessageBatch").ShouldBe(0);
        sns.Count("Publish").ShouldBe(5);
        sns.Count("PublishBatch").ShouldBe(0);
    }

    [TestCase(0, "Sends.MaxEntries")]
    [TestCase(11, "Sends.MaxEntries")]
    public async Task A_bus_with_impossible_batch_settings_does_not_start_and_names_them(int maxEntries, string named)
    {
        var exception = await Should.ThrowAsync<Exception>(() => SqsBus.StartAsync(SqsBus.NewScope("badbatch"),
            host: h => h.Batching(b => b.Sends.MaxEntries = maxEntries)));
        Chain(exception).Select(e => e.Message).ShouldContain(message => message.Contains(named));
    }

    static Task<SqsBus> StartWorkBus(string scopeOrTest, BatchFaultHandler handler, ConsumedLog<Consumed> log, bool isScope = false) =>
        SqsBus.StartAsync(isScope ? scopeOrTest : SqsBus.NewScope(scopeOrTest), x => x.AddConsumer<SlowWorkConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("batched-work", e =>
            {
                e.PrefetchCount = 20;
                e.ConfigureConsumer<SlowWorkConsumer>(context);
            }),
            services: s => s.AddSingleton(log).AddSingleton<Concurrency>(), sqsConfig: handler.SqsConfig());

    static async Task WaitForDepth(QueueInspector inspector, string queue, int depth)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (await inspector.Depth(queue) != depth)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{queue} did not reach depth {depth}");
            await Task.Delay(200);
        }
    }

    static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e != null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                    yield return inner;
            }
        }
    }
}
