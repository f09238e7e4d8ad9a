using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace SagaFiles.Api.Tests;

public class DeadLetters_Specs
{
    [Test]
    public async Task Redrive_sends_a_step_queues_faulted_commands_back_to_its_consumer()
    {
        var id = await FailedAtConvert("redrive-me.csv");
        using var sqs = SagaFilesApp.Stack.CreateSqsClient();
        var errorUrl = (await sqs.GetQueueUrlAsync($"{SagaFilesApp.MessagingPrefix}_convert-file_error")).QueueUrl;

        var faulted = await ReceiveCommandFor(sqs, errorUrl, id, except: null);
        await sqs.ChangeMessageVisibilityAsync(errorUrl, faulted.ReceiptHandle, 0);

        var response = await SagaFilesApp.Api.PostAsync("/dead-letters/convert-file/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("queue").GetString().ShouldBe("convert-file");
        body.GetProperty("moved").GetInt32().ShouldBeGreaterThan(0);
        // Consumed again, the command fails again for the same reason and comes back to the error queue as another
        // message; the Failed file is unchanged.
        await ReceiveCommandFor(sqs, errorUrl, id, except: faulted.MessageId);
        var saga = await Files.Get(id, "/saga");
        (saga.GetProperty("currentState").GetString(), saga.GetProperty("attempt").GetInt32()).ShouldBe((FileStates.Failed, 1));
    }

    [Test]
    public async Task Redrive_from_the_dead_letter_queue_sends_poison_commands_back_to_their_consumer()
    {
        var id = await FailedAtConvert("poison-me.csv");
        using var sqs = SagaFilesApp.Stack.CreateSqsClient();
        var errorUrl = (await sqs.GetQueueUrlAsync($"{SagaFilesApp.MessagingPrefix}_convert-file_error")).QueueUrl;
        var deadLetterUrl = (await sqs.GetQueueUrlAsync($"{SagaFilesApp.MessagingPrefix}_convert-file_dlq")).QueueUrl;
        // SQS moves a message its consumers received MaxReceiveCount times without finishing (a crash each time) to the
        // _dlq as it is, body and attributes (Transport.AmazonSqs.Tests shows SQS doing so); this command is put there the same way.
        var faulted = await ReceiveCommandFor(sqs, errorUrl, id, except: null);
        await sqs.SendMessageAsync(new SendMessageRequest(deadLetterUrl, faulted.Body) { MessageAttributes = faulted.MessageAttributes });
        await sqs.DeleteMessageAsync(errorUrl, faulted.ReceiptHandle);

        var response = await SagaFilesApp.Api.PostAsync("/dead-letters/convert-file/redrive?from=dlq", null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var source = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sources").EnumerateArray().ShouldHaveSingleItem();
        source.GetProperty("queue").GetString().ShouldBe("convert-file_dlq");
        source.GetProperty("moved").GetInt32().ShouldBeGreaterThan(0);
        // Consumed again, the command fails again and comes to the error queue.
        await ReceiveCommandFor(sqs, errorUrl, id, except: faulted.MessageId);
        ((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(deadLetterUrl) { WaitTimeSeconds = 1 })).Messages ?? []).ShouldBeEmpty();
    }

    [Test]
    public async Task Redrive_names_the_failed_message_queues_it_emptied_and_refuses_an_unknown_source()
    {
        var poison = await SagaFilesApp.Api.PostAsync("/dead-letters/compute-checksum/redrive?from=dlq", null);
        poison.StatusCode.ShouldBe(HttpStatusCode.OK, await poison.Content.ReadAsStringAsync());
        var source = (await poison.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sources").EnumerateArray().ShouldHaveSingleItem();
        (source.GetProperty("queue").GetString(), source.GetProperty("moved").GetInt32()).ShouldBe(("compute-checksum_dlq", 0));

        // Nothing faulted in the checksum step, so it has no error queue.
        var none = await SagaFilesApp.Api.PostAsync("/dead-letters/compute-checksum/redrive?from=error", null);
        none.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await none.Content.ReadAsStringAsync()).ShouldContain("compute-checksum_error");

        (await SagaFilesApp.Api.PostAsync("/dead-letters/compute-checksum/redrive?from=everywhere", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Redrive_of_a_queue_that_is_not_a_steps_is_404_and_leaves_its_messages()
    {
        using var sqs = SagaFilesApp.Stack.CreateSqsClient();
        var queue = $"{SagaFilesApp.MessagingPrefix}_parked-work";
        await sqs.CreateQueueAsync(queue);
        var errorUrl = (await sqs.CreateQueueAsync($"{queue}_error")).QueueUrl;
        await sqs.SendMessageAsync(new SendMessageRequest(errorUrl, "{\"message\":{\"id\":1}}"));

        var response = await SagaFilesApp.Api.PostAsync("/dead-letters/parked-work/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("convert-file");
        (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(errorUrl) { WaitTimeSeconds = 1 })).Messages.ShouldHaveSingleItem();
    }

    [TestCase("never-faulted")]
    [TestCase("bad.name")]
    [TestCase("this-queue-name-is-far-too-long-for-sqs-once-the-prefix-and-error-suffix-are-added")]
    public async Task Redrive_of_anything_but_a_step_queue_is_404(string queue)
    {
        var response = await SagaFilesApp.Api.PostAsync($"/dead-letters/{queue}/redrive", null);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    /// <summary>Uploads random bytes named as a CSV: the file fails at Convert, its command in <c>convert-file_error</c>.</summary>
    static async Task<Guid> FailedAtConvert(string name)
    {
        var bytes = new byte[4096];
        new Random(11).NextBytes(bytes);
        var id = await Files.Upload(bytes, name);
        (await Files.WaitUntilSettled(id)).GetProperty("currentStep").GetString().ShouldBe(FileSteps.Convert);
        return id;
    }

    /// <summary>Waits for the command of <paramref name="fileId" /> in <paramref name="queueUrl" /> (another SQS message than <paramref name="except" />).</summary>
    static async Task<Message> ReceiveCommandFor(IAmazonSQS sqs, string queueUrl, Guid fileId, string? except)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(queueUrl) { WaitTimeSeconds = 1, MaxNumberOfMessages = 10, MessageAttributeNames = ["All"] });
            foreach (var message in received.Messages ?? [])
            {
                if (message.Body.Contains(fileId.ToString(), StringComparison.Ordinal) && message.MessageId != except)
                    return message;
                await sqs.ChangeMessageVisibilityAsync(queueUrl, message.ReceiptHandle, 0);
            }
        }

        throw new TimeoutException($"No command for file {fileId} reached {queueUrl} within 30 s.");
    }
}
