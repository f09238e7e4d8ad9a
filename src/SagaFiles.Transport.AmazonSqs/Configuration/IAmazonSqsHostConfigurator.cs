using Amazon.Runtime;
using Amazon.SQS;

namespace MassTransit;

/// <summary>Connection settings for SQS and SNS, named as in MassTransit.AmazonSQS.</summary>
public interface IAmazonSqsHostConfigurator
{
    void AccessKey(string accessKey);

    void SecretKey(string secretKey);

    void Credentials(AWSCredentials credentials);

    /// <summary>One endpoint for SQS and SNS (an emulator such as fauxqs or LocalStack); unset means AWS itself.</summary>
    void ServiceUrl(Uri serviceUrl);

    /// <summary>Prefix for every queue and topic this bus creates, so environments can share an account.</summary>
    void Scope(string scope);

    /// <summary>SQS client settings (timeouts, HTTP client factory); region and service URL are filled in when unset.</summary>
    void Config(AmazonSQSConfig config);

    /// <summary>Receives after which SQS moves a message to the queue's <c>_dlq</c> (RedrivePolicy).</summary>
    void MaxReceiveCount(int maxReceiveCount);

    /// <summary>Long-polling wait of every receive endpoint (0 to 20 s, default 20); a stop waits at most this long for receives in progress.</summary>
    void WaitTimeSeconds(int waitTimeSeconds);

    /// <summary>How long error, skipped and dead-letter queues keep messages (60 s to 14 days; default 14 days).</summary>
    void FailedMessageRetention(TimeSpan retention);

    /// <summary>SQS endpoint only (a VPC interface endpoint); requests are signed for the host's region.</summary>
    void SqsServiceUrl(Uri serviceUrl);

    /// <summary>SNS endpoint only (a VPC interface endpoint); requests are signed for the host's region.</summary>
    void SnsServiceUrl(Uri serviceUrl);

    /// <summary>The regions' FIPS 140 endpoints for SQS and SNS.</summary>
    void UseFipsEndpoints();

    /// <summary>
    /// Batching of deletes (DeleteMessageBatch), sends (SendMessageBatch) and publishes (SNS PublishBatch): on by default,
    /// each kind can be turned off or tuned; checked when the bus is configured.
    /// </summary>
    void Batching(Action<SagaFiles.Transport.AmazonSqs.AmazonSqsBatching> configure);

    /// <summary>The HTTP client the SNS client sends with (a proxy, a recording handler); by default its own.</summary>
    void SnsHttpClient(HttpClient httpClient);
}
