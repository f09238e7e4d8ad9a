namespace SagaFiles.Transport.AmazonSqs.Sns;

public sealed class AmazonSnsClientOptions
{
    /// <summary>
    /// Service URL override: an emulator such as fauxqs, or a VPC interface endpoint
    /// (https://vpce-….sns.{region}.vpce.amazonaws.com); requests are still signed for <see cref="Region" />. Null for the
    /// region's public endpoint.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Signing region, and the region of the default endpoint.</summary>
    public required string Region { get; set; }

    /// <summary>The region's FIPS 140 endpoint (sns-fips.{region}…) instead of the standard one.</summary>
    public bool UseFipsEndpoint { get; set; }

    /// <summary>Attempts per call, including the first; throttling, 5xx and network failures are retried.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Base of the exponential backoff (full jitter: a random delay up to base * 2^retry, capped at <see cref="MaxRetryDelay" />).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The override, else the region's endpoint in its partition: amazonaws.com, amazonaws.com.cn (China), the ISO partitions.</summary>
    public Uri ResolveServiceUrl()
    {
        if (ServiceUrl != null)
            return ServiceUrl;
        if (string.IsNullOrWhiteSpace(Region))
            throw new InvalidOperationException("AmazonSnsClientOptions.Region is required.");
        var suffix = Region switch
        {
            _ when Region.StartsWith("cn-", StringComparison.Ordinal) => "amazonaws.com.cn",
            _ when Region.StartsWith("us-isob-", StringComparison.Ordinal) => "sc2s.sgov.gov",
            _ when Region.StartsWith("us-iso-", StringComparison.Ordinal) => "c2s.ic.gov",
            _ => "amazonaws.com"
        };
        return new Uri($"https://{(UseFipsEndpoint ? "sns-fips" : "sns")}.{Region}.{suffix}/");
    }
}
