using System.Text.Json;
using Amazon.SQS.Model;

namespace SagaFiles.Api.Tests;

public class DeadLetters_Specs
{
    [Test]
    public async Task Redrive_moves_the_error_queues_messages_back_without_their_fault_headers_or_redelivery_count()
    {
        using var sqs = SagaFilesApp.Stack.CreateSqsClient();
        var queue = $"{SagaFilesApp.MessagingPrefix}_parked-work";
        var queueUrl = (await sqs.CreateQueueAsync(queue)).QueueUrl;
        var errorUrl = (await sqs.CreateQueueAsync($"{queue}_error")).QueueUrl;
        var headers = new Dictionary<string, string>
        {
            ["MessageId"] = Guid.NewGuid().ToString(),
            ["MT-Host-MachineName"] = "worker-1",
            ["MT-Fault-ExceptionType"] = "System.InvalidOperationException",
            ["MT-Fault-Message"] = "boom",
            ["MT-Reason"] = "fault",
            ["MT-Redelivery-Count"] = "3"
        };
        await sqs.SendMessageAsync(new SendMessageRequest(errorUrl, "{\"message\":{\"id\":1}}")
        {
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["Content-Type"] = new() { DataType = "String", StringValue = "application/vnd.masstransit+json" },
                ["MT-Headers"] = new() { DataType = "String", StringValue = JsonSerializer.Serialize(headers) }
            }
        });

        var response = await SagaFilesApp.Api.PostAsync("/dead-letters/parked-work/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("queue").GetString().ShouldBe("parked-work");
        body.GetProperty("moved").GetInt32().ShouldBe(1);

        var redriven = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl) { WaitTimeSeconds = 5, MessageAttributeNames = ["All"] }))
            .Messages.ShouldHaveSingleItem();
        redriven.Body.ShouldBe("{\"message\":{\"id\":1}}");
        redriven.MessageAttributes["Content-Type"].StringValue.ShouldBe("application/vnd.masstransit+json");
        var kept = JsonSerializer.Deserialize<Dictionary<string, string>>(redriven.MessageAttributes["MT-Headers"].StringValue)!;
        kept.Keys.Order(StringComparer.Ordinal).ShouldBe(["MT-Host-MachineName", "MessageId"]);
        kept["MessageId"].ShouldBe(headers["MessageId"]);
        ((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(errorUrl) { WaitTimeSeconds = 1 })).Messages ?? []).ShouldBeEmpty();
    }

    [Test]
    public async Task Redrive_of_a_queue_that_never_faulted_is_404()
    {
        var response = await SagaFilesApp.Api.PostAsync("/dead-letters/never-faulted/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [TestCase("bad.name")]
    [TestCase("this-queue-name-is-far-too-long-for-sqs-once-the-prefix-and-error-suffix-are-added")]
    public async Task Redrive_of_an_invalid_queue_name_is_400(string queue)
    {
        var response = await SagaFilesApp.Api.PostAsync($"/dead-letters/{queue}/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Queue name");
    }
}
