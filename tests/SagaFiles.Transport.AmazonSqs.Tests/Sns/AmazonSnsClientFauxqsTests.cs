using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;
using SagaFiles.Testing;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Tests.Sns;

/// <summary>The client against the fauxqs SNS/SQS emulator of the shared test stack.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AmazonSnsClientFauxqsTests
{
    AmazonSnsClient _sns = null!;
    IAmazonSQS _sqs = null!;
    string _prefix = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        var stack = TestStackSetUpFixture.Stack;
        _sns = new AmazonSnsClient(new AmazonSnsClientOptions { ServiceUrl = stack.AwsServiceUrl, Region = stack.Region }, stack.Credentials);
        _sqs = stack.CreateSqsClient();
        _prefix = "sns-it-" + Guid.NewGuid().ToString("N")[..8];
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _sns.Dispose();
        _sqs.Dispose();
    }

    [Test]
    public async Task Creating_a_topic_twice_returns_the_same_arn()
    {
        var first = await _sns.CreateTopicAsync(_prefix + "-twice");
        var second = await _sns.CreateTopicAsync(_prefix + "-twice");

        second.ShouldBe(first);
        first.ShouldEndWith(":" + _prefix + "-twice");
        (await _sns.GetTopicAttributesAsync(first))["TopicArn"].ShouldBe(first);
    }

    [Test]
    public async Task A_raw_delivery_subscription_delivers_the_body_and_attributes_as_published()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-raw");
        var (queueUrl, queueArn) = await CreateQueue(_prefix + "-raw");
        var subscriptionArn = await _sns.SubscribeQueueAsync(topicArn, queueArn);
        subscriptionArn.ShouldStartWith(topicArn + ":");

        const string body = """{"orderId":"6a1f","note":"größe & <xml> + spaces"}""";
        var messageId = await _sns.PublishAsync(new SnsPublishRequest(topicArn, body)
        {
            MessageAttributes = new Dictionary<string, SnsMessageAttribute>
            {
                ["Content-Type"] = SnsMessageAttribute.String("application/vnd.masstransit+json"),
                ["Attempt"] = SnsMessageAttribute.Number(3)
            }
        });
        messageId.ShouldNotBeNullOrWhiteSpace();

        var message = await ReceiveOne(queueUrl);
        message.Body.ShouldBe(body);
        message.MessageAttributes.Count.ShouldBe(2);
        message.MessageAttributes["Content-Type"].DataType.ShouldBe("String");
        message.MessageAttributes["Content-Type"].StringValue.ShouldBe("application/vnd.masstransit+json");
        message.MessageAttributes["Attempt"].DataType.ShouldBe("Number");
        message.MessageAttributes["Attempt"].StringValue.ShouldBe("3");
    }

    [Test]
    public async Task A_binary_attribute_arrives_as_the_same_bytes()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-binary");
        var (queueUrl, queueArn) = await CreateQueue(_prefix + "-binary");
        await _sns.SubscribeQueueAsync(topicArn, queueArn);

        await _sns.PublishAsync(new SnsPublishRequest(topicArn, "payload")
        {
            MessageAttributes = new Dictionary<string, SnsMessageAttribute> { ["Blob"] = SnsMessageAttribute.Binary(new byte[] { 0, 1, 2, 250, 255 }) }
        });

        var attribute = (await ReceiveOne(queueUrl)).MessageAttributes["Blob"];
        attribute.DataType.ShouldBe("Binary");
        attribute.BinaryValue.ToArray().ShouldBe(new byte[] { 0, 1, 2, 250, 255 });
    }

    [Test]
    public async Task PublishBatch_delivers_every_entry()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-batch");
        var (queueUrl, queueArn) = await CreateQueue(_prefix + "-batch");
        await _sns.SubscribeQueueAsync(topicArn, queueArn);

        var result = await _sns.PublishBatchAsync(topicArn, Enumerable.Range(1, 3)
            .Select(i => new SnsPublishBatchEntry("e" + i, "message " + i)
            {
                MessageAttributes = new Dictionary<string, SnsMessageAttribute> { ["Index"] = SnsMessageAttribute.Number(i) }
            })
            .ToList());

        result.Failed.ShouldBeEmpty();
        result.Successful.Select(s => s.Id).ShouldBe(["e1", "e2", "e3"], ignoreOrder: true);
        var bodies = new List<string>();
        while (bodies.Count < 3)
            bodies.AddRange((await Receive(queueUrl)).Select(m => m.Body));
        bodies.ShouldBe(["message 1", "message 2", "message 3"], ignoreOrder: true);
    }

    [Test]
    public async Task A_fifo_topic_passes_group_and_deduplication_ids_to_a_fifo_queue()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-fifo.fifo", new Dictionary<string, string> { ["FifoTopic"] = "true" });
        var (queueUrl, queueArn) = await CreateQueue(_prefix + "-fifo.fifo",
            new Dictionary<string, string> { [QueueAttributeName.FifoQueue] = "true" });
        await _sns.SubscribeQueueAsync(topicArn, queueArn);

        foreach (var dedup in new[] { "d-1", "d-1", "d-2" })
            await _sns.PublishAsync(new SnsPublishRequest(topicArn, "body " + dedup) { MessageGroupId = "g-1", MessageDeduplicationId = dedup });
        var missingGroup = await Should.ThrowAsync<AmazonSnsException>(() => _sns.PublishAsync(new SnsPublishRequest(topicArn, "x")
        {
            MessageDeduplicationId = "d-3"
        }));
        missingGroup.Code.ShouldBe("InvalidParameter");

        // A FIFO queue hands out the next message of a group only after the previous one is deleted.
        var messages = new List<Message>();
        for (var i = 0; i < 5 && messages.Count < 3; i++)
        {
            foreach (var message in await Receive(queueUrl, waitSeconds: 1))
            {
                messages.Add(message);
                await _sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
            }
        }

        messages.Select(m => m.Body).ShouldBe(["body d-1", "body d-2"]);
        messages[0].Attributes[MessageSystemAttributeName.MessageGroupId].ShouldBe("g-1");
    }

    [Test]
    public async Task Subscriptions_page_by_NextToken_and_can_be_changed_and_removed()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-paging");
        var subscriptionArns = new List<string>();
        for (var i = 0; i < 101; i++)
            subscriptionArns.Add(await _sns.SubscribeAsync(topicArn, "sqs", $"arn:aws:sqs:us-east-1:000000000000:{_prefix}-q{i}", null));

        var firstPage = await _sns.ListSubscriptionsByTopicAsync(topicArn, null);
        firstPage.NextToken.ShouldNotBeNull("fauxqs pages at 100");
        var all = await _sns.ListAllSubscriptionsByTopicAsync(topicArn);
        all.Select(s => s.SubscriptionArn).ShouldBe(subscriptionArns, ignoreOrder: true);
        all.ShouldAllBe(s => s.Protocol == "sqs" && s.TopicArn == topicArn);

        await _sns.SetSubscriptionAttributesAsync(subscriptionArns[0], "RawMessageDelivery", "true");
        var missing = await Should.ThrowAsync<AmazonSnsException>(() =>
            _sns.SetSubscriptionAttributesAsync(topicArn + ":00000000-0000-0000-0000-000000000000", "RawMessageDelivery", "true"));
        missing.Code.ShouldBe("NotFound");

        await _sns.UnsubscribeAsync(subscriptionArns[0]);
        (await _sns.ListAllSubscriptionsByTopicAsync(topicArn)).Count.ShouldBe(100);
    }

    [Test]
    public async Task Publishing_to_a_topic_that_does_not_exist_fails_with_NotFound()
    {
        var exception = await Should.ThrowAsync<AmazonSnsException>(() =>
            _sns.PublishAsync($"arn:aws:sns:us-east-1:000000000000:{_prefix}-nowhere", "x", new Dictionary<string, string>()));

        exception.Code.ShouldBe("NotFound");
        exception.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        exception.ErrorType.ShouldBe("Sender");
        exception.RequestId.ShouldNotBeNullOrWhiteSpace();
    }

    [Test]
    public async Task A_deleted_topic_is_gone()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-deleted");

        await _sns.DeleteTopicAsync(topicArn);

        (await Should.ThrowAsync<AmazonSnsException>(() => _sns.GetTopicAttributesAsync(topicArn))).Code.ShouldBe("NotFound");
    }

    [Test]
    public async Task A_257_KiB_body_is_rejected_before_anything_is_sent()
    {
        var topicArn = await _sns.CreateTopicAsync(_prefix + "-big");
        var counter = new RequestCounter(new HttpClientHandler());
        using var http = new HttpClient(counter);
        var stack = TestStackSetUpFixture.Stack;
        using var client = new AmazonSnsClient(new AmazonSnsClientOptions { ServiceUrl = stack.AwsServiceUrl, Region = stack.Region },
            stack.Credentials, http);

        var exception = await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishAsync(topicArn, new string('x', 257 * 1024), new Dictionary<string, string>()));

        exception.Message.ShouldContain("263168 bytes");
        counter.Count.ShouldBe(0);
        (await client.PublishAsync(topicArn, new string('x', 256 * 1024), new Dictionary<string, string>())).ShouldNotBeNullOrEmpty();
        counter.Count.ShouldBe(1);
    }

    async Task<(string Url, string Arn)> CreateQueue(string name, Dictionary<string, string>? attributes = null)
    {
        var url = (await _sqs.CreateQueueAsync(new CreateQueueRequest(name) { Attributes = attributes ?? [] })).QueueUrl;
        var arn = (await _sqs.GetQueueAttributesAsync(url, [QueueAttributeName.QueueArn])).QueueARN;
        return (url, arn);
    }

    async Task<List<Message>> Receive(string queueUrl, int waitSeconds = 5)
    {
        var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl)
        {
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = waitSeconds,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = ["All"]
        });
        return response.Messages ?? [];
    }

    async Task<Message> ReceiveOne(string queueUrl)
    {
        var messages = await Receive(queueUrl);
        messages.Count.ShouldBe(1);
        return messages[0];
    }

    sealed class RequestCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public int Count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
