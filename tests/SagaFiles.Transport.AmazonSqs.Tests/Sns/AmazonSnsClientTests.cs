using System.Net;
using Amazon.Runtime;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Tests.Sns;

/// <summary>Request encoding, response parsing, errors and retries, against a fake HTTP handler.</summary>
[TestFixture]
public sealed class AmazonSnsClientTests
{
    const string TopicArn = "arn:aws:sns:eu-west-1:123456789012:orders";

    FakeSnsHandler _handler = null!;
    HttpClient _http = null!;

    [SetUp]
    public void SetUp()
    {
        _handler = new FakeSnsHandler();
        _http = new HttpClient(_handler);
    }

    [TearDown]
    public void TearDown()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    AmazonSnsClient Client(int maxAttempts = 4, AWSCredentials? credentials = null, Uri? serviceUrl = null) =>
        new(new AmazonSnsClientOptions
            {
                Region = "eu-west-1",
                ServiceUrl = serviceUrl,
                MaxAttempts = maxAttempts,
                RetryBaseDelay = TimeSpan.FromMilliseconds(1),
                MaxRetryDelay = TimeSpan.FromMilliseconds(5)
            },
            credentials ?? new BasicAWSCredentials("AKID", "SECRET"), _http);

    [Test]
    public async Task Publish_posts_a_signed_form_with_typed_attributes_and_returns_the_message_id()
    {
        _handler.RespondOk("Publish", "<MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId>");

        var messageId = await Client().PublishAsync(new SnsPublishRequest(TopicArn, "héllo wörld & a+b=c")
        {
            MessageAttributes = new Dictionary<string, SnsMessageAttribute>
            {
                ["MT-Type"] = SnsMessageAttribute.String("urn:message:Orders:Submitted"),
                ["Priority"] = SnsMessageAttribute.Number(42),
                ["Blob"] = SnsMessageAttribute.Binary(new byte[] { 1, 2, 255 })
            }
        });

        messageId.ShouldBe("94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
        var request = _handler.Requests.Single();
        request.Method.ShouldBe(HttpMethod.Post);
        request.Uri.ShouldBe(new Uri("https://sns.eu-west-1.amazonaws.com/"));
        request.ContentType.ShouldBe("application/x-www-form-urlencoded; charset=utf-8");
        request.Body.ShouldStartWith("Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aorders" +
            "&Message=h%C3%A9llo%20w%C3%B6rld%20%26%20a%2Bb%3Dc&");
        request.Form.Skip(4).ShouldBe([
            new("MessageAttributes.entry.1.Name", "MT-Type"),
            new("MessageAttributes.entry.1.Value.DataType", "String"),
            new("MessageAttributes.entry.1.Value.StringValue", "urn:message:Orders:Submitted"),
            new("MessageAttributes.entry.2.Name", "Priority"),
            new("MessageAttributes.entry.2.Value.DataType", "Number"),
            new("MessageAttributes.entry.2.Value.StringValue", "42"),
            new("MessageAttributes.entry.3.Name", "Blob"),
            new("MessageAttributes.entry.3.Value.DataType", "Binary"),
            new("MessageAttributes.entry.3.Value.BinaryValue", "AQL/")
        ]);
        request.Headers["authorization"].ShouldStartWith("AWS4-HMAC-SHA256 Credential=AKID/");
        request.Headers["authorization"].ShouldContain("/eu-west-1/sns/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=");
        request.Headers.ShouldContainKey("x-amz-date");
        request.Headers.ShouldNotContainKey("x-amz-security-token");
    }

    [Test]
    public async Task Publish_sends_fifo_fields_and_signs_the_session_token()
    {
        _handler.RespondOk("Publish", "<MessageId>m-1</MessageId><SequenceNumber>10000000000000000001</SequenceNumber>");

        await Client(credentials: new SessionAWSCredentials("ASIA", "SECRET", "SESSION-TOKEN"))
            .PublishAsync(new SnsPublishRequest(TopicArn + ".fifo", "x") { MessageGroupId = "g-1", MessageDeduplicationId = "d-1" });

        var request = _handler.Requests.Single();
        request["MessageGroupId"].ShouldBe("g-1");
        request["MessageDeduplicationId"].ShouldBe("d-1");
        request["Subject"].ShouldBeNull();
        request.Headers["x-amz-security-token"].ShouldBe("SESSION-TOKEN");
        request.Headers["authorization"].ShouldContain("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,");
    }

    [Test]
    public async Task Service_url_override_is_used_and_string_attribute_overload_maps_to_String_type()
    {
        _handler.RespondOk("Publish", "<MessageId>m</MessageId>");

        await Client(serviceUrl: new Uri("http://localhost:4566")).PublishAsync(TopicArn, "{}",
            new Dictionary<string, string> { ["Content-Type"] = "application/vnd.masstransit+json" });

        var request = _handler.Requests.Single();
        request.Uri.ShouldBe(new Uri("http://localhost:4566/"));
        request["MessageAttributes.entry.1.Value.DataType"].ShouldBe("String");
        request["MessageAttributes.entry.1.Value.StringValue"].ShouldBe("application/vnd.masstransit+json");
    }

    [Test]
    public async Task CreateTopic_sends_attributes_as_entries_and_parses_the_arn()
    {
        _handler.RespondOk("CreateTopic", $"<TopicArn>{TopicArn}.fifo</TopicArn>");

        var arn = await Client().CreateTopicAsync("orders.fifo",
            new Dictionary<string, string> { ["FifoTopic"] = "true", ["ContentBasedDeduplication"] = "false" });

        arn.ShouldBe(TopicArn + ".fifo");
        _handler.Requests.Single().Form.ShouldBe([
            new("Action", "CreateTopic"), new("Version", "2010-03-31"), new("Name", "orders.fifo"),
            new("Attributes.entry.1.key", "FifoTopic"), new("Attributes.entry.1.value", "true"),
            new("Attributes.entry.2.key", "ContentBasedDeduplication"), new("Attributes.entry.2.value", "false")
        ]);
    }

    [Test]
    public async Task SubscribeQueue_asks_for_raw_delivery_and_the_subscription_arn()
    {
        _handler.RespondOk("Subscribe", $"<SubscriptionArn>{TopicArn}:5f7e</SubscriptionArn>");

        var arn = await Client().SubscribeQueueAsync(TopicArn, "arn:aws:sqs:eu-west-1:123456789012:orders-queue");

        arn.ShouldBe(TopicArn + ":5f7e");
        _handler.Requests.Single().Form.ShouldBe([
            new("Action", "Subscribe"), new("Version", "2010-03-31"), new("TopicArn", TopicArn), new("Protocol", "sqs"),
            new("Endpoint", "arn:aws:sqs:eu-west-1:123456789012:orders-queue"), new("ReturnSubscriptionArn", "true"),
            new("Attributes.entry.1.key", "RawMessageDelivery"), new("Attributes.entry.1.value", "true")
        ]);
    }

    [Test]
    public async Task ListAllSubscriptionsByTopic_follows_NextToken()
    {
        _handler
            .RespondOk("ListSubscriptionsByTopic",
                $"<Subscriptions><member><SubscriptionArn>{TopicArn}:a</SubscriptionArn><TopicArn>{TopicArn}</TopicArn><Protocol>sqs</Protocol>" +
                "<Endpoint>arn:q1</Endpoint><Owner>123456789012</Owner></member></Subscriptions><NextToken>page-2</NextToken>")
            .RespondOk("ListSubscriptionsByTopic",
                $"<Subscriptions><member><SubscriptionArn>{TopicArn}:b</SubscriptionArn><TopicArn>{TopicArn}</TopicArn><Protocol>sqs</Protocol>" +
                "<Endpoint>arn:q2</Endpoint></member></Subscriptions>");

        var all = await Client().ListAllSubscriptionsByTopicAsync(TopicArn);

        all.ShouldBe([
            new SnsSubscription(TopicArn + ":a", TopicArn, "sqs", "arn:q1", "123456789012"),
            new SnsSubscription(TopicArn + ":b", TopicArn, "sqs", "arn:q2", null)
        ]);
        _handler.Requests[0]["NextToken"].ShouldBeNull();
        _handler.Requests[1]["NextToken"].ShouldBe("page-2");
    }

    [Test]
    public async Task Unsubscribe_SetSubscriptionAttributes_DeleteTopic_and_GetTopicAttributes_encode_and_parse()
    {
        _handler.RespondOk("Unsubscribe").RespondOk("SetSubscriptionAttributes").RespondOk("DeleteTopic")
            .RespondOk("GetTopicAttributes",
                $"<Attributes><entry><key>TopicArn</key><value>{TopicArn}</value></entry><entry><key>DisplayName</key><value></value></entry></Attributes>");
        var client = Client();

        await client.UnsubscribeAsync(TopicArn + ":s");
        await client.SetSubscriptionAttributesAsync(TopicArn + ":s", "FilterPolicy", """{"a":["b"]}""");
        await client.DeleteTopicAsync(TopicArn);
        var attributes = await client.GetTopicAttributesAsync(TopicArn);

        _handler.Requests[0]["SubscriptionArn"].ShouldBe(TopicArn + ":s");
        _handler.Requests[1].Form.Skip(2).ShouldBe([
            new("SubscriptionArn", TopicArn + ":s"), new("AttributeName", "FilterPolicy"), new("AttributeValue", """{"a":["b"]}""")
        ]);
        _handler.Requests[2]["Action"].ShouldBe("DeleteTopic");
        attributes.ShouldBe(new Dictionary<string, string> { ["TopicArn"] = TopicArn, ["DisplayName"] = "" });
    }

    [Test]
    public async Task PublishBatch_encodes_members_and_parses_successes_and_failures()
    {
        _handler.RespondOk("PublishBatch",
            "<Successful><member><Id>a</Id><MessageId>m-a</MessageId></member></Successful>" +
            "<Failed><member><Id>b</Id><Code>InvalidParameter</Code><Message>bad</Message><SenderFault>true</SenderFault></member></Failed>");

        var result = await Client().PublishBatchAsync(TopicArn, [
            new SnsPublishBatchEntry("a", "one") { MessageAttributes = new Dictionary<string, SnsMessageAttribute> { ["k"] = SnsMessageAttribute.String("v") } },
            new SnsPublishBatchEntry("b", "two") { MessageGroupId = "g" }
        ]);

        result.Successful.ShouldBe([new SnsPublishBatchSuccess("a", "m-a", null)]);
        result.Failed.ShouldBe([new SnsPublishBatchFailure("b", "InvalidParameter", "bad", true)]);
        _handler.Requests.Single().Form.Skip(2).ShouldBe([
            new("TopicArn", TopicArn),
            new("PublishBatchRequestEntries.member.1.Id", "a"),
            new("PublishBatchRequestEntries.member.1.Message", "one"),
            new("PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name", "k"),
            new("PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType", "String"),
            new("PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue", "v"),
            new("PublishBatchRequestEntries.member.2.Id", "b"),
            new("PublishBatchRequestEntries.member.2.Message", "two"),
            new("PublishBatchRequestEntries.member.2.MessageGroupId", "g")
        ]);
    }

    [Test]
    public async Task An_error_response_becomes_a_typed_exception_without_retry()
    {
        _handler.RespondError(HttpStatusCode.NotFound, "NotFound", "Topic does not exist");

        var exception = await Should.ThrowAsync<AmazonSnsException>(() => Client().PublishAsync(TopicArn, "x", new Dictionary<string, string>()));

        exception.Code.ShouldBe("NotFound");
        exception.ErrorMessage.ShouldBe("Topic does not exist");
        exception.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        exception.RequestId.ShouldBe("err-req-7");
        exception.ErrorType.ShouldBe("Sender");
        exception.IsTransient.ShouldBeFalse();
        _handler.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task Throttling_and_server_errors_are_retried_then_succeed()
    {
        _handler
            .RespondError(HttpStatusCode.BadRequest, "Throttling", "Rate exceeded")
            .Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>")
            .Throw(new HttpRequestException("connection reset"))
            .RespondOk("CreateTopic", $"<TopicArn>{TopicArn}</TopicArn>");

        (await Client().CreateTopicAsync("orders")).ShouldBe(TopicArn);

        _handler.Requests.Count.ShouldBe(4);
        _handler.Requests.Select(r => r.Headers["authorization"]).ShouldAllBe(a => a.StartsWith("AWS4-HMAC-SHA256 "));
    }

    [Test]
    public async Task Retries_are_bounded_by_MaxAttempts()
    {
        for (var i = 0; i < 3; i++)
            _handler.RespondError(HttpStatusCode.InternalServerError, "InternalError", "oops", "Receiver");

        var exception = await Should.ThrowAsync<AmazonSnsException>(() => Client(maxAttempts: 3).CreateTopicAsync("orders"));

        exception.Code.ShouldBe("InternalError");
        exception.IsTransient.ShouldBeTrue();
        _handler.Requests.Count.ShouldBe(3);
    }

    [Test]
    public async Task A_non_xml_error_keeps_the_status_and_body()
    {
        _handler.Respond(HttpStatusCode.Forbidden, "Access denied by proxy");

        var exception = await Should.ThrowAsync<AmazonSnsException>(() => Client().CreateTopicAsync("orders"));

        exception.Code.ShouldBe("Http403");
        exception.ErrorMessage.ShouldBe("Access denied by proxy");
        exception.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task A_cancelled_token_stops_before_sending_and_during_backoff()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => Client().CreateTopicAsync("orders", cancelled.Token));
        _handler.Requests.ShouldBeEmpty();

        _handler.RespondError(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "busy", "Receiver");
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var slow = new AmazonSnsClient(
            new AmazonSnsClientOptions { Region = "eu-west-1", RetryBaseDelay = TimeSpan.FromMinutes(1), MaxRetryDelay = TimeSpan.FromMinutes(1) },
            new BasicAWSCredentials("AKID", "SECRET"), _http);
        var started = DateTime.UtcNow;
        await Should.ThrowAsync<OperationCanceledException>(() => slow.CreateTopicAsync("orders", soon.Token));
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task A_body_over_256_KiB_is_rejected_before_sending()
    {
        var exception = await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            Client().PublishAsync(TopicArn, new string('x', 257 * 1024), new Dictionary<string, string>()));

        exception.Message.ShouldContain("262144");
        _handler.Requests.ShouldBeEmpty();
    }

    [Test]
    public async Task Exactly_256_KiB_counting_multi_byte_characters_and_attributes_is_the_limit()
    {
        _handler.RespondOk("Publish", "<MessageId>m</MessageId>");
        var attributes = new Dictionary<string, string> { ["k"] = "v" }; // 1 + 6 ("String") + 1 = 8 bytes
        var body = new string('é', (SnsLimits.MaxPayloadBytes - 8) / 2); // 2 bytes each in UTF-8

        await Client().PublishAsync(TopicArn, body, attributes);
        await Should.ThrowAsync<AmazonSnsValidationException>(() => Client().PublishAsync(TopicArn, body + "x", attributes));
        _handler.Requests.Count.ShouldBe(1);
    }

    [Test]
    public async Task Attribute_rules_are_enforced_before_sending()
    {
        var client = Client();
        var eleven = Enumerable.Range(1, 11).ToDictionary(i => "a" + i, i => "v");

        (await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishAsync(TopicArn, "x", eleven))).Message.ShouldContain("at most 10");
        (await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishAsync(TopicArn, "x", new Dictionary<string, string> { ["empty"] = "" }))).Message.ShouldContain("empty value");
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishAsync(new SnsPublishRequest(TopicArn, "x")
        {
            MessageAttributes = new Dictionary<string, SnsMessageAttribute> { ["b"] = SnsMessageAttribute.Binary(Array.Empty<byte>()) }
        }));
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishAsync(new SnsPublishRequest(TopicArn, "x")
        {
            MessageAttributes = new Dictionary<string, SnsMessageAttribute> { ["n"] = SnsMessageAttribute.Number("twelve") }
        }));
        await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishAsync(TopicArn, "x", new Dictionary<string, string> { ["bad name"] = "v" }));
        await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishAsync(TopicArn, "x", new Dictionary<string, string> { ["AWS.Trace"] = "v" }));
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishAsync(TopicArn, "", new Dictionary<string, string>()));
        _handler.Requests.ShouldBeEmpty();
    }

    [TestCase("orders")]
    [TestCase("Orders_v2-events")]
    [TestCase("orders.fifo")]
    public void Valid_topic_names_pass(string name) => Should.NotThrow(() => SnsLimits.ValidateTopicName(name));

    [Test]
    public void Topic_names_of_256_characters_pass_and_257_fail()
    {
        Should.NotThrow(() => SnsLimits.ValidateTopicName(new string('a', 256)));
        Should.NotThrow(() => SnsLimits.ValidateTopicName(new string('a', 251) + ".fifo"));
        Should.Throw<AmazonSnsValidationException>(() => SnsLimits.ValidateTopicName(new string('a', 257))).Message.ShouldContain("at most 256");
    }

    [TestCase("")]
    [TestCase("orders.events")]
    [TestCase("orders events")]
    [TestCase("orders:events")]
    [TestCase(".fifo")]
    [TestCase("örders")]
    public async Task Invalid_topic_names_are_rejected_before_sending(string name)
    {
        await Should.ThrowAsync<AmazonSnsValidationException>(() => Client().CreateTopicAsync(name));
        _handler.Requests.ShouldBeEmpty();
    }

    [Test]
    public async Task Batches_are_checked_before_sending()
    {
        var client = Client();
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishBatchAsync(TopicArn, []));
        await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishBatchAsync(TopicArn, Enumerable.Range(0, 11).Select(i => new SnsPublishBatchEntry("e" + i, "x")).ToList()));
        await Should.ThrowAsync<AmazonSnsValidationException>(() =>
            client.PublishBatchAsync(TopicArn, [new SnsPublishBatchEntry("same", "x"), new SnsPublishBatchEntry("same", "y")]));
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishBatchAsync(TopicArn, [new SnsPublishBatchEntry("a.b", "x")]));
        await Should.ThrowAsync<AmazonSnsValidationException>(() => client.PublishBatchAsync(TopicArn,
            Enumerable.Range(0, 2).Select(i => new SnsPublishBatchEntry("e" + i, new string('x', 200_000))).ToList()));
        _handler.Requests.ShouldBeEmpty();
    }

    [Test]
    public void Region_is_required_and_picks_the_default_endpoint()
    {
        new AmazonSnsClientOptions { Region = "ap-southeast-2" }.ResolveServiceUrl().ShouldBe(new Uri("https://sns.ap-southeast-2.amazonaws.com/"));
        Should.Throw<ArgumentException>(() => new AmazonSnsClient(new AmazonSnsClientOptions { Region = " " }));
    }

    [Test]
    public async Task Malformed_success_responses_are_reported()
    {
        _handler.Respond(HttpStatusCode.OK, "not xml at all");
        (await Should.ThrowAsync<AmazonSnsException>(() => Client().CreateTopicAsync("orders"))).Code.ShouldBe("MalformedResponse");
    }

    [Test]
    public async Task A_request_refused_for_a_skewed_clock_is_signed_again_with_the_server_time_and_the_correction_is_kept()
    {
        var serverTime = DateTimeOffset.UtcNow.AddMinutes(47);
        _handler.Respond(HttpStatusCode.Forbidden,
                """<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>Signature expired: 20261202T120000Z is now earlier than 20261202T124200Z</Message></Error><RequestId>r</RequestId></ErrorResponse>""",
                ("Date", serverTime.ToString("R")))
            .RespondOk("Publish", "<MessageId>m-1</MessageId>")
            .RespondOk("Publish", "<MessageId>m-2</MessageId>");
        var client = Client(maxAttempts: 2);

        (await client.PublishAsync(TopicArn, "{}", new Dictionary<string, string>())).ShouldBe("m-1");
        await client.PublishAsync(TopicArn, "{}", new Dictionary<string, string>());

        var signedAt = _handler.Requests.Select(r => DateTimeOffset.ParseExact(r.Headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'",
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal)).ToList();
        (serverTime - signedAt[0]).ShouldBeGreaterThan(TimeSpan.FromMinutes(40), "the first request used this machine's clock");
        (serverTime - signedAt[1]).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(1), "the retry used the server's time");
        (serverTime - signedAt[2]).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(1), "later requests keep the correction");
    }

    [TestCase("us-east-1", false, "https://sns.us-east-1.amazonaws.com/")]
    [TestCase("us-gov-west-1", true, "https://sns-fips.us-gov-west-1.amazonaws.com/")]
    [TestCase("cn-north-1", false, "https://sns.cn-north-1.amazonaws.com.cn/")]
    [TestCase("us-east-2", true, "https://sns-fips.us-east-2.amazonaws.com/")]
    public void The_endpoint_follows_the_region_partition_and_fips(string region, bool fips, string expected) =>
        new AmazonSnsClientOptions { Region = region, UseFipsEndpoint = fips }.ResolveServiceUrl().ShouldBe(new Uri(expected));

    [Test]
    public void A_vpc_endpoint_overrides_the_url_and_keeps_the_signing_region()
    {
        var vpce = new Uri("https://vpce-0a1b2c3d-4e5f.sns.eu-west-1.vpce.amazonaws.com/");
        var options = new AmazonSnsClientOptions { Region = "eu-west-1", ServiceUrl = vpce };

        options.ResolveServiceUrl().ShouldBe(vpce);
    }
}
