namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>Where a queue's failed messages wait for a redrive.</summary>
public enum FailedMessageQueue
{
    /// <summary><c>{queue}_error</c>: messages whose consumer faulted after its retries.</summary>
    Error,

    /// <summary><c>{queue}_dlq</c>: poison messages SQS moved aside after its receive limit (a consumer that crashed or hung on them).</summary>
    DeadLetter
}
