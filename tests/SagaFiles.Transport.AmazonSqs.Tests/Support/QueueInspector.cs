using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using SagaFiles.Testing;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>Looks at queues directly through the SQS API, bypassing the transport under test.</summary>
public sealed class QueueInspector : IDisposable
{
    readonly IAmazonSQS _sqs = TestStackSetUpFixture.Stack.CreateSqsClient();

    public async Task<Dictionary<string, string>> Attributes(string queueName)
    {
        var url = (await _sqs.GetQueueUrlAsync(queueName)).QueueUrl;
        return (await _sqs.GetQueueAttributesAsync(url, ["All"])).Attributes;
    }

    /// <summary>Messages waiting plus messages held by a consumer.</summary>
    public async Task<int> Depth(string queueName)
    {
        var attributes = await Attributes(queueName);
        return int.Parse(attributes["ApproximateNumberOfMessages"]) + int.Parse(attributes["ApproximateNumberOfMessagesNotVisible"]);
    }

    /// <summary>Waits until a consumer holds every message of the queue (none left visible), at most <paramref name="wait" />.</summary>
    public async Task<bool> WaitUntilAllHeld(string queueName, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (int.Parse((await Attributes(queueName))["ApproximateNumberOfMessages"]) > 0)
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>Receives (without deleting) one message and its MassTransit headers, waiting up to <paramref name="wait" />.</summary>
    public async Task<(Message Message, Dictionary<string, string> Headers)?> Peek(string queueName, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        var url = await WaitForQueue(queueName, deadline);
        do
        {
            var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest(url)
            {
                MaxNumberOfMessages = 1,
                WaitTimeSeconds = 1,
                VisibilityTimeout = 1,
                MessageAttributeNames = ["All"]
            });
            if (response.Messages is [var message, ..])
            {
                var attributes = message.MessageAttributes ?? [];
                var headers = attributes.TryGetValue("MT-Headers", out var packed)
                    ? JsonSerializer.Deserialize<Dictionary<string, string>>(packed.StringValue)!
                    : [];
                return (message, headers);
            }
        } while (DateTime.UtcNow < deadline);

        return null;
    }

    /// <summary>Error and skipped queues appear with their first message: wait for the queue as for the message.</summary>
    async Task<string> WaitForQueue(string queueName, DateTime deadline)
    {
        while (true)
        {
            try
            {
                return (await _sqs.GetQueueUrlAsync(queueName)).QueueUrl;
            }
            catch (QueueDoesNotExistException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    public async Task SendRaw(string queueName, string body, Dictionary<string, string> attributes)
    {
        var url = (await _sqs.GetQueueUrlAsync(queueName)).QueueUrl;
        await _sqs.SendMessageAsync(new SendMessageRequest(url, body)
        {
            MessageAttributes = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value })
        });
    }

    public void Dispose() => _sqs.Dispose();
}
