namespace MassTransit.EntityFrameworkCoreIntegration;

/// <summary>
/// One row per (MessageId, consumer endpoint) received through the outbox: the lock that serializes redeliveries of the same
/// message, and the record that it was consumed, kept for the duplicate detection window.
/// </summary>
public class InboxState
{
    /// <summary>Surrogate key (identity), so rows are stored in arrival order.</summary>
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>Derived from the endpoint name and consumer type (MassTransit's OutboxConsumeOptions.ConsumerId).</summary>
    public Guid ConsumerId { get; set; }

    /// <summary>Changed by every holder of the row lock.</summary>
    public Guid LockId { get; set; }

    /// <summary>Postgres xmin (see AddInboxStateEntity). The official package uses byte[] here, which Postgres cannot fill.</summary>
    public uint RowVersion { get; set; }

    public DateTime Received { get; set; }

    public int ReceiveCount { get; set; }

    public DateTime? ExpirationTime { get; set; }

    /// <summary>When the consumer completed (its transaction committed).</summary>
    public DateTime? Consumed { get; set; }

    /// <summary>When every message the consumer sent or published reached the transport.</summary>
    public DateTime? Delivered { get; set; }

    public long? LastSequenceNumber { get; set; }
}
