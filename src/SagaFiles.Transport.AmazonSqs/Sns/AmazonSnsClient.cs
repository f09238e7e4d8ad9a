using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace SagaFiles.Transport.AmazonSqs.Sns;

/// <summary>
/// A small SNS client over the Query protocol (form-encoded POST, XML responses), signed with SigV4 for service "sns".
/// Credentials come from AWSSDK.Core: the given <see cref="AWSCredentials" />, or the default chain (environment,
/// profile, container/instance role), resolved per request so refreshing credentials and session tokens are honoured.
/// Throttling, 5xx and network failures are retried with capped exponential backoff and full jitter. A request refused
/// because this machine's clock is off is signed again with SNS's time (from the response's Date header), and later
/// requests keep that correction, as the AWS SDK does.
/// </summary>
public sealed class AmazonSnsClient : IAmazonSnsClient, IDisposable
{
    const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>Errors SNS gives a request signed too far from its own time (AWS allows 5 minutes).</summary>
    static readonly HashSet<string> ClockSkewCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeTooSkewed", "RequestExpired", "SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure"
    };

    /// <summary>Differences below this are not corrected: the error had another cause.</summary>
    static readonly TimeSpan SignificantSkew = TimeSpan.FromMinutes(1);

    long _clockOffsetTicks;
    readonly AWSCredentials? _credentials;
    readonly HttpClient _http;
    readonly AmazonSnsClientOptions _options;
    readonly bool _ownsHttpClient;
    readonly Uri _serviceUrl;
    readonly AwsSigV4Signer _signer;
    readonly TimeProvider _timeProvider;

    /// <param name="options">Region (required) and an optional service URL override.</param>
    /// <param name="credentials">Null for the AWS SDK's default credential chain.</param>
    /// <param name="httpClient">Injected client (not disposed by this instance); null to own one.</param>
    /// <param name="timeProvider">Clock for request signing and backoff delays; null for the system clock.</param>
    public AmazonSnsClient(AmazonSnsClientOptions options, AWSCredentials? credentials = null, HttpClient? httpClient = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Region, nameof(options.Region));
        if (options.MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");

        _options = options;
        _serviceUrl = options.ResolveServiceUrl();
        _credentials = credentials;
        _signer = new AwsSigV4Signer(options.Region, "sns");
        _timeProvider = timeProvider ?? TimeProvider.System;
        _ownsHttpClient = httpClient == null;
        _http = httpClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        if (_ownsHttpClient)
            _http.Dispose();
    }

    public async Task<string> CreateTopicAsync(string name, IReadOnlyDictionary<string, string>? attributes,
        CancellationToken cancellationToken = default)
    {
        SnsLimits.ValidateTopicName(name);
        var request = new SnsQueryRequest("CreateTopic").Add("Name", name).AddMap("Attributes", attributes);
        var result = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return SnsQueryResponse.Required(result, "TopicArn");
    }

    public async Task<string> SubscribeAsync(string topicArn, string protocol, string endpoint, IReadOnlyDictionary<string, string>? attributes,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        var request = new SnsQueryRequest("Subscribe")
            .Add("TopicArn", topicArn)
            .Add("Protocol", protocol)
            .Add("Endpoint", endpoint)
            .Add("ReturnSubscriptionArn", "true")
            .AddMap("Attributes", attributes);
        var result = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return SnsQueryResponse.Required(result, "SubscriptionArn");
    }

    public async Task UnsubscribeAsync(string subscriptionArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionArn);
        await SendAsync(new SnsQueryRequest("Unsubscribe").Add("SubscriptionArn", subscriptionArn), cancellationToken).ConfigureAwait(false);
    }

    public async Task<SnsSubscriptionPage> ListSubscriptionsByTopicAsync(string topicArn, string? nextToken,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        var request = new SnsQueryRequest("ListSubscriptionsByTopic").Add("TopicArn", topicArn).Add("NextToken", nextToken);
        var result = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var subscriptions = SnsQueryResponse.Members(result, "Subscriptions")
            .Select(m => new SnsSubscription(
                SnsQueryResponse.Required(m, "SubscriptionArn"),
                SnsQueryResponse.Child(m, "TopicArn") ?? topicArn,
                SnsQueryResponse.Child(m, "Protocol") ?? "",
                SnsQueryResponse.Child(m, "Endpoint") ?? "",
                SnsQueryResponse.Child(m, "Owner")))
            .ToList();
        var token = SnsQueryResponse.Child(result, "NextToken");
        return new SnsSubscriptionPage(subscriptions, string.IsNullOrEmpty(token) ? null : token);
    }

    public async Task SetSubscriptionAttributesAsync(string subscriptionArn, string attributeName, string attributeValue,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionArn);
        ArgumentException.ThrowIfNullOrEmpty(attributeName);
        ArgumentNullException.ThrowIfNull(attributeValue);
        var request = new SnsQueryRequest("SetSubscriptionAttributes")
            .Add("SubscriptionArn", subscriptionArn)
            .Add("AttributeName", attributeName)
            .Add("AttributeValue", attributeValue);
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.TopicArn, nameof(request.TopicArn));
        SnsLimits.ValidateMessage(request.Message, request.MessageAttributes, nameof(request.Message));

        var query = new SnsQueryRequest("Publish")
            .Add("TopicArn", request.TopicArn)
            .Add("Message", request.Message)
            .Add("Subject", request.Subject)
            .Add("MessageGroupId", request.MessageGroupId)
            .Add("MessageDeduplicationId", request.MessageDeduplicationId)
            .AddMessageAttributes("", request.MessageAttributes);
        var result = await SendAsync(query, cancellationToken).ConfigureAwait(false);
        return SnsQueryResponse.Required(result, "MessageId");
    }

    public async Task<SnsPublishBatchResult> PublishBatchAsync(string topicArn, IReadOnlyList<SnsPublishBatchEntry> entries,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is 0 or > SnsLimits.MaxBatchEntries)
            throw new AmazonSnsValidationException($"A batch has 1-{SnsLimits.MaxBatchEntries} entries; {entries.Count} given.", nameof(entries));
        if (entries.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count() != entries.Count)
            throw new AmazonSnsValidationException("Batch entry ids must be distinct.", nameof(entries));

        var query = new SnsQueryRequest("PublishBatch").Add("TopicArn", topicArn);
        var total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (string.IsNullOrEmpty(entry.Id) || entry.Id.Length > 80 || !entry.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                throw new AmazonSnsValidationException($"Batch entry id '{entry.Id}' is invalid: 1-80 of A-Z, a-z, 0-9, '_' and '-'.", nameof(entries));
            total += SnsLimits.ValidateMessage(entry.Message, entry.MessageAttributes, nameof(entries));
            var prefix = $"PublishBatchRequestEntries.member.{i + 1}.";
            query.Add(prefix + "Id", entry.Id)
                .Add(prefix + "Message", entry.Message)
                .Add(prefix + "Subject", entry.Subject)
                .Add(prefix + "MessageGroupId", entry.MessageGroupId)
                .Add(prefix + "MessageDeduplicationId", entry.MessageDeduplicationId)
                .AddMessageAttributes(prefix, entry.MessageAttributes);
        }

        if (total > SnsLimits.MaxPayloadBytes)
            throw new AmazonSnsValidationException(
                $"The batch is {total} bytes in total; SNS allows at most {SnsLimits.MaxPayloadBytes} (256 KiB) per PublishBatch call.", nameof(entries));

        var result = await SendAsync(query, cancellationToken).ConfigureAwait(false);
        var successful = SnsQueryResponse.Members(result, "Successful")
            .Select(m => new SnsPublishBatchSuccess(SnsQueryResponse.Required(m, "Id"), SnsQueryResponse.Required(m, "MessageId"),
                SnsQueryResponse.Child(m, "SequenceNumber")))
            .ToList();
        var failed = SnsQueryResponse.Members(result, "Failed")
            .Select(m => new SnsPublishBatchFailure(SnsQueryResponse.Required(m, "Id"), SnsQueryResponse.Child(m, "Code") ?? "Unknown",
                SnsQueryResponse.Child(m, "Message"),
                string.Equals(SnsQueryResponse.Child(m, "SenderFault"), "true", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new SnsPublishBatchResult(successful, failed);
    }

    public async Task DeleteTopicAsync(string topicArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        await SendAsync(new SnsQueryRequest("DeleteTopic").Add("TopicArn", topicArn), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetTopicAttributesAsync(string topicArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicArn);
        var result = await SendAsync(new SnsQueryRequest("GetTopicAttributes").Add("TopicArn", topicArn), cancellationToken).ConfigureAwait(false);
        return SnsQueryResponse.Map(result, "Attributes");
    }

    async Task<XElement> SendAsync(SnsQueryRequest request, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(request.ToFormBody());
        for (var attempt = 1;; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var credentials = await ResolveCredentialsAsync(cancellationToken).ConfigureAwait(false);

            using var message = new HttpRequestMessage(HttpMethod.Post, _serviceUrl);
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(FormContentType) { CharSet = "utf-8" };
            _signer.Sign(message, body, credentials, SigningTime);

            try
            {
                using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                if (response.IsSuccessStatusCode)
                    return SnsQueryResponse.Result(request.Action, text, response.StatusCode, requestId);

                var error = SnsQueryResponse.Error(text, response.StatusCode, requestId);
                if (attempt < _options.MaxAttempts && CorrectClockSkew(error, response.Headers.Date))
                    continue;
                if (!error.IsTransient || attempt >= _options.MaxAttempts)
                    throw error;
            }
            catch (HttpRequestException) when (attempt < _options.MaxAttempts)
            {
                // Connection failure: retried below.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < _options.MaxAttempts)
            {
                // HttpClient timeout, not the caller's cancellation: retried below.
            }

            await Task.Delay(RetryDelay(attempt), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>This machine's time corrected by the offset SNS last told us of.</summary>
    public DateTimeOffset SigningTime => _timeProvider.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

    /// <summary>True when <paramref name="error" /> says the signature's time was off and SNS's own time shows by how much.</summary>
    bool CorrectClockSkew(AmazonSnsException error, DateTimeOffset? serverTime)
    {
        if (!ClockSkewCodes.Contains(error.Code) || serverTime is not { } server)
            return false;
        var offset = server - _timeProvider.GetUtcNow();
        if ((offset - TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks))).Duration() < SignificantSkew)
            return false;
        Interlocked.Exchange(ref _clockOffsetTicks, offset.Ticks);
        return true;
    }

    /// <summary>Full jitter: uniformly random in [0, min(max, base * 2^(attempt-1))].</summary>
    TimeSpan RetryDelay(int attempt)
    {
        var ceiling = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Max(0, ceiling));
    }

    async Task<SigV4Credentials> ResolveCredentialsAsync(CancellationToken cancellationToken)
    {
        var source = _credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var immutable = await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SigV4Credentials(immutable.AccessKey, immutable.SecretKey, immutable.UseToken ? immutable.Token : null);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"AmazonSnsClient({_serviceUrl}, {_options.Region})");
}
