using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Sources.Buckets;

/// <summary>
/// The near-real-time path of bucket sources: one SQS queue of SagaFiles' own that S3 sends ObjectCreated notifications to,
/// read with the AWS SQS SDK directly (not through MassTransit: the messages are S3's JSON, not bus envelopes). Each created
/// object of a source goes to its ledger; a message is deleted once every object in it is recorded, so one that failed
/// half way comes back after the queue's visibility timeout (the ledger skips what it has). A message that is not S3
/// event JSON is logged and deleted: it would never read better.
/// </summary>
sealed class BucketNotifications(string queue, IReadOnlyList<BucketSourceOptions> sources, IAmazonSQS sqs, IAmazonS3 s3, IServiceScopeFactory scopes,
    BucketSourceHealth health, TimeProvider clock, ILogger logger)
{
    /// <summary>A long poll's wait: SQS answers as soon as a message arrives.</summary>
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        string? url = null;
        while (!stoppingToken.IsCancellationRequested)
            try
            {
                url ??= queue.StartsWith("http", StringComparison.Ordinal) ? queue : (await sqs.GetQueueUrlAsync(queue, stoppingToken)).QueueUrl;
                var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
                {
                    QueueUrl = url, MaxNumberOfMessages = 10, WaitTimeSeconds = (int)Wait.TotalSeconds
                }, stoppingToken);
                health.QueueAnswered(queue);
                foreach (var message in received.Messages ?? [])
                    if (await HandleAsync(message, stoppingToken))
                        await sqs.DeleteMessageAsync(url, message.ReceiptHandle, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                var problem = e is QueueDoesNotExistException ? $"The notification queue {queue} does not exist." : $"The notification queue {queue}: {e.Message}";
                health.QueueFailed(queue, problem);
                logger.LogError(e, "Bucket sources: {Problem} Trying again in {RetryAfter}", problem, RetryAfter);
                if (e is QueueDoesNotExistException)
                    url = null;
                await Task.Delay(RetryAfter, clock, stoppingToken);
            }
    }

    /// <returns>True when the message is done with (recorded, or unreadable for good).</returns>
    async Task<bool> HandleAsync(Message message, CancellationToken cancellationToken)
    {
        IReadOnlyList<CreatedObject> created;
        try
        {
            created = S3EventNotifications.Read(message.Body);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            logger.LogWarning(e, "Bucket sources: message {MessageId} on {Queue} is not an S3 event notification; deleted", message.MessageId, queue);
            return true;
        }

        try
        {
            foreach (var (bucket, version) in created)
            {
                if (sources.FirstOrDefault(s => s.Covers(bucket, version.Key)) is not { } source)
                    continue;
                if (await WithETagAsync(bucket, version, cancellationToken) is not { } known)
                    continue;
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BucketLedger>().TakeAsync(source, known, "notification", cancellationToken);
            }

            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Bucket sources: message {MessageId} on {Queue} could not be recorded; it comes back after its visibility timeout",
                message.MessageId, queue);
            return false;
        }
    }

    /// <summary>The version as notified; one without an ETag gets the object's current one (none when it is gone: nothing to take).</summary>
    async Task<ObjectVersion?> WithETagAsync(string bucket, ObjectVersion version, CancellationToken cancellationToken)
    {
        if (version.ETag.Length > 0)
            return version;
        try
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = version.Key, VersionId = version.VersionId },
                cancellationToken);
            return version with { ETag = ObjectVersion.Bare(head.ETag ?? ""), Size = head.ContentLength };
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
