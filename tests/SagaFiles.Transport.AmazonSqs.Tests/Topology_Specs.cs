using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using SagaFiles.Testing;
using SagaFiles.Transport.AmazonSqs.Sns;
using SagaFiles.Transport.AmazonSqs.Topology;

namespace SagaFiles.Transport.AmazonSqs.Tests;

/// <summary>What a bus declares on a shared account: queue policies, retention of failed messages, subscriptions, topic ARNs.</summary>
public class Topology_Specs
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    const string OrderSubmittedTopic = "SagaFiles_Transport_AmazonSqs_Tests-OrderSubmitted";

    static void Billing(IBusRegistrationContext context, IAmazonSqsBusFactoryConfigurator cfg) =>
        cfg.ReceiveEndpoint("billing", e => e.ConfigureConsumer<BillingConsumer>(context));

    [Test]
    public async Task The_queue_policy_keeps_statements_others_wrote_and_names_the_exact_topic_arns()
    {
        var scope = SqsBus.NewScope("policy");
        using var sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        var url = (await sqs.CreateQueueAsync($"{scope}_billing")).QueueUrl;
        var foreign = """{"Version":"2012-10-17","Statement":[{"Sid":"AuditorReads","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/auditor"},"Action":"sqs:ReceiveMessage","Resource":"*"}]}""";
        await sqs.SetQueueAttributesAsync(new SetQueueAttributesRequest(url, new Dictionary<string, string> { ["Policy"] = foreign }));

        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<BillingConsumer>(), Billing, s => s.AddSingleton(log));

        var policy = (await sqs.GetQueueAttributesAsync(url, ["Policy"])).Attributes["Policy"];
        var statements = JsonNode.Parse(policy)!["Statement"]!.AsArray();
        statements.Select(s => s!["Sid"]!.GetValue<string>()).ShouldBe(["AuditorReads", SqsQueuePolicy.StatementId], ignoreOrder: true);
        var topicArn = await TestStackSetUpFixture.Stack.CreateSnsClient().CreateTopicAsync($"{scope}_{OrderSubmittedTopic}", null);
        SqsQueuePolicy.AllowedTopics(policy).ToList().ShouldBe([topicArn], "the exact topic ARN, no wildcard");

        await bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), 1));
        await log.WaitFor(1, Timeout);
    }

    [Test]
    public async Task Error_skipped_and_dead_letter_queues_keep_messages_14_days_new_and_existing_alike()
    {
        var scope = SqsBus.NewScope("retention");
        using var sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        // An error queue from an earlier version, with SQS's default 4 days.
        var existingError = (await sqs.CreateQueueAsync($"{scope}_billing_error")).QueueUrl;
        (await Retention(sqs, existingError)).ShouldBe(345_600);

        await using (await SqsBus.StartAsync(scope, x => x.AddConsumer<BillingConsumer>(), Billing, s => s.AddSingleton(new ConsumedLog<Consumed>())))
        {
        }

        const int fourteenDays = 1_209_600;
        (await Retention(sqs, existingError)).ShouldBe(fourteenDays, "an existing error queue is corrected at start");
        (await Retention(sqs, (await sqs.GetQueueUrlAsync($"{scope}_billing_dlq")).QueueUrl)).ShouldBe(fourteenDays, "a new dead-letter queue");
        (await Retention(sqs, (await sqs.GetQueueUrlAsync($"{scope}_billing")).QueueUrl)).ShouldBe(345_600, "the work queue keeps SQS's default");

        // Configurable: a shorter retention is applied to the same existing queue at the next start.
        await using (await SqsBus.StartAsync(scope, x => x.AddConsumer<BillingConsumer>(), Billing, s => s.AddSingleton(new ConsumedLog<Consumed>()),
                         failedMessageRetention: TimeSpan.FromDays(7)))
        {
        }

        (await Retention(sqs, existingError)).ShouldBe(604_800);
    }

    [Test]
    public async Task A_subscription_that_drifted_from_raw_delivery_is_repaired_and_delivers()
    {
        var scope = SqsBus.NewScope("drift");
        var stack = TestStackSetUpFixture.Stack;
        using var sqs = stack.CreateSqsClient();
        var sns = stack.CreateSnsClient();
        // Someone subscribed the queue without raw delivery: SNS would wrap every message in its JSON envelope.
        var url = (await sqs.CreateQueueAsync($"{scope}_billing")).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(url, ["QueueArn"])).Attributes["QueueArn"];
        var topicArn = await sns.CreateTopicAsync($"{scope}_{OrderSubmittedTopic}", null);
        await sns.SubscribeAsync(topicArn, "sqs", queueArn, new Dictionary<string, string> { ["RawMessageDelivery"] = "false" });

        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<BillingConsumer>(), Billing, s => s.AddSingleton(log));

        var orderId = Guid.NewGuid();
        await bus.Bus.Publish(new OrderSubmitted(orderId, 1));
        (await log.WaitFor(1, Timeout)).Single().Id.ShouldBe(orderId, "the message arrived raw: the subscription was repaired");
        (await sns.ListSubscriptionsByTopicAsync(topicArn, null)).Subscriptions.Count.ShouldBe(1, "repaired in place, not a second subscription");
        bus.Bus.CheckHealth().Status.ShouldBe(BusHealthStatus.Healthy);
    }

    [Test]
    public async Task A_publish_to_a_topic_deleted_since_its_arn_was_cached_resolves_the_topic_again()
    {
        var scope = SqsBus.NewScope("topicgone");
        await using var bus = await SqsBus.StartAsync(scope);
        await bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), 1));

        var sns = TestStackSetUpFixture.Stack.CreateSnsClient();
        var topicArn = await sns.CreateTopicAsync($"{scope}_{OrderSubmittedTopic}", null);
        await sns.DeleteTopicAsync(topicArn);
        (await Should.ThrowAsync<AmazonSnsException>(() => sns.GetTopicAttributesAsync(topicArn))).Code.ShouldBe("NotFound");

        await bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), 2));

        (await sns.GetTopicAttributesAsync(topicArn)).ShouldNotBeEmpty("the publish found the topic gone and created it again");
    }

    static async Task<int> Retention(Amazon.SQS.IAmazonSQS sqs, string url) =>
        int.Parse((await sqs.GetQueueAttributesAsync(url, ["MessageRetentionPeriod"])).Attributes["MessageRetentionPeriod"]);
}
