namespace MassTransit.EntityFrameworkCoreIntegration;

/// <summary>
/// A batch of messages written through the bus outbox (outside a consumer) in one SaveChanges. Delivery services claim
/// one at a time with FOR UPDATE SKIP LOCKED and deliver its messages in sequence order.
/// </summary>
public class OutboxState
{
    public Guid OutboxId { get; set; }

    public Guid LockId { get; set; }

    /// <summary>Postgres xmin (see AddOutboxStateEntity).</summary>
    public uint RowVersion { get; set; }

    public DateTime Created { get; set; }

    public DateTime? Delivered { get; set; }

    public long? LastSequenceNumber { get; set; }
}
