using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.SQS;
using MassTransit;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs;

/// <summary>Where SQS and SNS are and who we are there.</summary>
public sealed class AmazonSqsHostSettings : IAmazonSqsHostConfigurator
{
    string? _accessKey;
    string? _secretKey;
    AWSCredentials? _credentials;
    AmazonSQSConfig? _sqsConfig;

    public string Region { get; set; } = "us-east-1";

    /// <summary>Service URL of an emulator serving SQS and SNS on one port; null for AWS.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>SNS endpoint override (a VPC interface endpoint); null for the region's, or <see cref="ServiceUrl" /> when set.</summary>
    public Uri? SnsServiceUrl { get; set; }

    /// <summary>SQS endpoint override (a VPC interface endpoint); null for the region's, or <see cref="ServiceUrl" /> when set.</summary>
    public Uri? SqsServiceUrl { get; set; }

    /// <summary>The regions' FIPS 140 endpoints for SQS and SNS.</summary>
    public bool UseFipsEndpoints { get; set; }

    /// <summary>Prefix of every queue and topic name; empty for none.</summary>
    public string Scope { get; set; } = "";

    /// <summary>Default RedrivePolicy maxReceiveCount for queues this bus creates.</summary>
    public int DefaultMaxReceiveCount { get; set; } = 3;

    /// <summary>Default long-polling wait of receive endpoints (0 to 20 s); a stop cancels receives in progress.</summary>
    public int DefaultWaitTimeSeconds { get; set; } = 20;

    /// <summary>
    /// How long error, skipped and dead-letter queues keep a message (SQS allows 60 s to 14 days; its default of 4 days
    /// loses a failure found after a long weekend). Applied to new queues and to existing ones at start.
    /// </summary>
    public TimeSpan FailedMessageRetention { get; set; } = MaxRetention;

    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(14);

    /// <summary>How deletes, sends and publishes are batched (on by default; see <see cref="AmazonSqsBatching" />).</summary>
    public AmazonSqsBatching Batching { get; set; } = new();

    /// <summary>The HTTP client of the SNS client (a proxy, a handler that records requests); null for its own.</summary>
    public HttpClient? SnsHttpClient { get; set; }

    public Uri HostAddress => new UriBuilder(AmazonSqsEndpointAddress.Scheme, Region) { Path = "/" + Scope }.Uri;

    void IAmazonSqsHostConfigurator.AccessKey(string accessKey) => _accessKey = accessKey;

    void IAmazonSqsHostConfigurator.SecretKey(string secretKey) => _secretKey = secretKey;

    void IAmazonSqsHostConfigurator.Credentials(AWSCredentials credentials) => _credentials = credentials;

    void IAmazonSqsHostConfigurator.ServiceUrl(Uri serviceUrl) => ServiceUrl = serviceUrl;

    void IAmazonSqsHostConfigurator.SqsServiceUrl(Uri serviceUrl) => SqsServiceUrl = serviceUrl;

    void IAmazonSqsHostConfigurator.SnsServiceUrl(Uri serviceUrl) => SnsServiceUrl = serviceUrl;

    void IAmazonSqsHostConfigurator.UseFipsEndpoints() => UseFipsEndpoints = true;

    void IAmazonSqsHostConfigurator.Scope(string scope) => Scope = scope;

    void IAmazonSqsHostConfigurator.Config(AmazonSQSConfig config) => _sqsConfig = config;

    void IAmazonSqsHostConfigurator.MaxReceiveCount(int maxReceiveCount) => DefaultMaxReceiveCount = maxReceiveCount;

    void IAmazonSqsHostConfigurator.WaitTimeSeconds(int waitTimeSeconds) => DefaultWaitTimeSeconds = waitTimeSeconds;

    void IAmazonSqsHostConfigurator.FailedMessageRetention(TimeSpan retention) => FailedMessageRetention = retention;

    void IAmazonSqsHostConfigurator.Batching(Action<AmazonSqsBatching> configure) => configure(Batching);

    void IAmazonSqsHostConfigurator.SnsHttpClient(HttpClient httpClient) => SnsHttpClient = httpClient;

    /// <summary>Explicit keys first, then explicit credentials, then the default AWS chain (environment, profile, instance role).</summary>
    public AWSCredentials GetCredentials()
    {
        if (_credentials != null)
            return _credentials;
        if (!string.IsNullOrEmpty(_accessKey) && !string.IsNullOrEmpty(_secretKey))
            return new BasicAWSCredentials(_accessKey, _secretKey);
        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }

    public IAmazonSQS CreateSqsClient()
    {
        var config = _sqsConfig ?? new AmazonSQSConfig();
        if ((SqsServiceUrl ?? ServiceUrl) is { } serviceUrl && string.IsNullOrEmpty(config.ServiceURL))
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = Region;
        }
        else if (config.RegionEndpoint == null && string.IsNullOrEmpty(config.ServiceURL))
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);

        if (UseFipsEndpoints)
            config.UseFIPSEndpoint = true;

        return new AmazonSQSClient(GetCredentials(), config);
    }

    public IAmazonSnsClient CreateSnsClient() =>
        new AmazonSnsClient(new AmazonSnsClientOptions { Region = Region, ServiceUrl = SnsServiceUrl ?? ServiceUrl, UseFipsEndpoint = UseFipsEndpoints },
            GetCredentials(), SnsHttpClient);
}
