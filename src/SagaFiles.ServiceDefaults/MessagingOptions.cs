using System.ComponentModel.DataAnnotations;

namespace SagaFiles.ServiceDefaults;

/// <summary>How SagaFiles uses the message bus (section <c>Messaging</c>).</summary>
public sealed class MessagingOptions : IValidatableObject
{
    public const string Section = "Messaging";

    /// <summary>Prefix of every queue and topic, so environments can share one AWS account.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,20}$", ErrorMessage = "Messaging:Prefix allows up to 20 letters, digits, '-' and '_'.")]
    public string Prefix { get; set; } = "";

    /// <summary>Receives before SQS moves a message that keeps crashing its consumer to the queue's <c>_dlq</c>.</summary>
    [Range(1, 1000)]
    public int MaxReceiveCount { get; set; } = 3;

    /// <summary>SQS long-polling wait in seconds (0 to 20); a stopping host cancels receives in progress.</summary>
    [Range(0, 20)]
    public int ReceiveWaitSeconds { get; set; } = 20;

    /// <summary>How long the <c>_error</c>, <c>_skipped</c> and <c>_dlq</c> queues keep a message (1 minute to 14 days), set on new and existing queues.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "14.00:00:00")]
    public TimeSpan FailedMessageRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>SQS endpoint, such as a VPC interface endpoint; unset for the region's (or <c>AWS:ServiceURL</c>).</summary>
    public Uri? SqsServiceURL { get; set; }

    /// <summary>SNS endpoint, such as a VPC interface endpoint; unset for the region's (or <c>AWS:ServiceURL</c>).</summary>
    public Uri? SnsServiceURL { get; set; }

    /// <summary>The regions' FIPS 140 endpoints for SQS and SNS.</summary>
    public bool UseFipsEndpoints { get; set; }

    /// <summary>
    /// Batching of deletes, sends and publishes (<c>Messaging:Batching:Deletes|Sends|Publishes:Enabled|MaxEntries|Linger|MaxConcurrentBatches</c>),
    /// on by default; the transport's defaults unless set.
    /// </summary>
    public MessagingBatchingOptions Batching { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Batching.ToTransport().Problems().Select(problem => new ValidationResult($"Messaging:Batching:{problem.Replace('.', ':')}", [nameof(Batching)]));
}

/// <summary>Batching settings by request kind; each unset value keeps the transport's default.</summary>
public sealed class MessagingBatchingOptions
{
    public MessagingBatchOptions Deletes { get; set; } = new();

    public MessagingBatchOptions Sends { get; set; } = new();

    public MessagingBatchOptions Publishes { get; set; } = new();

    public SagaFiles.Transport.AmazonSqs.AmazonSqsBatching ToTransport()
    {
        var batching = new SagaFiles.Transport.AmazonSqs.AmazonSqsBatching();
        Deletes.ApplyTo(batching.Deletes);
        Sends.ApplyTo(batching.Sends);
        Publishes.ApplyTo(batching.Publishes);
        return batching;
    }
}

public sealed class MessagingBatchOptions
{
    /// <summary>False: one request per message.</summary>
    public bool? Enabled { get; set; }

    /// <summary>1 to 10.</summary>
    public int? MaxEntries { get; set; }

    /// <summary>How long a batch's first entry waits for more, 0 to 1 s.</summary>
    public TimeSpan? Linger { get; set; }

    /// <summary>Requests to one queue or topic in flight at once, 1 to 64.</summary>
    public int? MaxConcurrentBatches { get; set; }

    public void ApplyTo(SagaFiles.Transport.AmazonSqs.AmazonSqsBatchSettings settings)
    {
        if (Enabled is { } enabled)
            settings.Enabled = enabled;
        if (MaxEntries is { } maxEntries)
            settings.MaxEntries = maxEntries;
        if (Linger is { } linger)
            settings.Linger = linger;
        if (MaxConcurrentBatches is { } concurrency)
            settings.MaxConcurrentBatches = concurrency;
    }
}
