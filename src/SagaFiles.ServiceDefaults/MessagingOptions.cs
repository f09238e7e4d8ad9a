using System.ComponentModel.DataAnnotations;

namespace SagaFiles.ServiceDefaults;

/// <summary>How SagaFiles uses the message bus (section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
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
}
