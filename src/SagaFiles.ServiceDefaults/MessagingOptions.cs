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

    /// <summary>SQS long-polling wait in seconds (0 to 20); a stopping worker waits at most this long for receives in progress.</summary>
    [Range(0, 20)]
    public int ReceiveWaitSeconds { get; set; } = 20;
}
