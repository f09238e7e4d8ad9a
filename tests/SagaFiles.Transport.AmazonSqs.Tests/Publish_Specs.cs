using Amazon.SQS.Model;
using SagaFiles.Testing;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Publish_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_published_event_reaches_every_subscribed_queue_once()
    {
        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("publish"), x =>
        {
            x.AddConsumer<BillingConsumer>();
            x.AddConsumer<ShippingConsumer>();
        }, services: s => s.AddSingleton(log));

        var orderId = Guid.NewGuid();
        await bus.Bus.Publish(new OrderSubmitted(orderId, 1));

        var consumed = await log.WaitFor(2, Timeout);
        consumed.Select(c => c.Consumer).ShouldBe([nameof(BillingConsumer), nameof(ShippingConsumer)], ignoreOrder: true);
        consumed.ShouldAllBe(c => c.Id == orderId);
    }

    [Test]
    public async Task Topology_is_created_idempotently_one_topic_per_message_type_and_one_subscription_per_queue()
    {
        var scope = SqsBus.NewScope("topology");
        var log = new ConsumedLog<Consumed>();
        void Register(IBusRegistrationConfigurator x)
        {
            x.AddConsumer<BillingConsumer>();
            x.AddConsumer<ShippingConsumer>();
        }

        // The same topology declared by a first and a second start (a restart, or a second worker process).
        await (await SqsBus.StartAsync(scope, Register, services: s => s.AddSingleton(log))).DisposeAsync();
        // A stop cancels its long polls, but SQS ends them only after their wait (2 s here): one still open would take
        // the event into the stopped bus and hide it for the visibility timeout.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var bus = await SqsBus.StartAsync(scope, Register, services: s => s.AddSingleton(log));

        await bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), 2));
        await log.WaitFor(2, Timeout);

        var stack = TestStackSetUpFixture.Stack;
        var sns = stack.CreateSnsClient();
        var topicArn = await sns.CreateTopicAsync($"{scope}_SagaFiles_Transport_AmazonSqs_Tests-OrderSubmitted", null);
        var subscriptions = await sns.ListSubscriptionsByTopicAsync(topicArn, null);
        subscriptions.Subscriptions.Count.ShouldBe(2, "one subscription per consuming queue, however often the bus starts");

        using var sqs = stack.CreateSqsClient();
        var queues = await sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = scope });
        (queues.QueueUrls ?? []).Select(u => u.Split('/').Last()).Where(n => !n.Contains("_bus_"))
            .ShouldBe([$"{scope}_Billing", $"{scope}_Billing_dlq", $"{scope}_Shipping", $"{scope}_Shipping_dlq"], ignoreOrder: true);

        await Task.Delay(TimeSpan.FromSeconds(2));
        log.Count.ShouldBe(2, "a duplicated subscription would deliver the event twice");
    }

    [Test]
    public async Task An_event_published_before_its_consumer_ever_started_waits_in_a_declared_queue()
    {
        var scope = SqsBus.NewScope("declared");
        var orderId = Guid.NewGuid();
        await using (var publisher = await SqsBus.StartAsync(scope, configure: (_, cfg) => cfg.DeclareSubscription<OrderSubmitted>("Billing")))
            await publisher.Bus.Publish(new OrderSubmitted(orderId, 7));

        var log = new ConsumedLog<Consumed>();
        await using var consumer = await SqsBus.StartAsync(scope, x => x.AddConsumer<BillingConsumer>(), services: s => s.AddSingleton(log));

        (await log.WaitFor(1, Timeout)).Single().Id.ShouldBe(orderId);
    }
}
