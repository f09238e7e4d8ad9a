namespace SagaFiles.Transport.AmazonSqs.Sns;

public sealed class AmazonSnsClientOptions
{
    /// <summary>Service URL override (an emulator such as fauxqs); null for https://sns.{Region}.amazonaws.com.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Signing region, and the region of the default endpoint.</summary>
    public required string Region { get; set; }

    /// <summary>Attempts per call, including the first; throttling, 5xx and network failures are retried.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Base of the exponential backoff (full jitter: a random delay up to base * 2^retry, capped at <see cref="MaxRetryDelay" />).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public Uri ResolveServiceUrl()
    {
        if (ServiceUrl != null)
            return ServiceUrl;
        if (string.IsNullOrWhiteSpace(Region))
            throw new InvalidOperationException("AmazonSnsClientOptions.Region is required.");
        return new Uri($"https://sns.{Region}.amazonaws.com/");
    }
}
