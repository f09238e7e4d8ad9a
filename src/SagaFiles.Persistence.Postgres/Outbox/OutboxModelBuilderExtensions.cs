using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MassTransit;

/// <summary>
/// Maps the inbox/outbox tables into a DbContext (call from OnModelCreating), as MassTransit.EntityFrameworkCore does:
/// <code>
/// modelBuilder.AddInboxStateEntity();
/// modelBuilder.AddOutboxMessageEntity();
/// modelBuilder.AddOutboxStateEntity();
/// </code>
/// Tables are named by the DbContext's conventions (InboxState, or inbox_state with UseSnakeCaseNamingConvention).
/// </summary>
public static class OutboxModelBuilderExtensions
{
    /// <summary>All three outbox entities at once.</summary>
    public static void AddTransactionalOutboxEntities(this ModelBuilder modelBuilder)
    {
        modelBuilder.AddInboxStateEntity();
        modelBuilder.AddOutboxMessageEntity();
        modelBuilder.AddOutboxStateEntity();
    }

    public static void AddInboxStateEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<InboxState>>? callback = null)
    {
        var inbox = modelBuilder.Entity<InboxState>();

        inbox.HasKey(x => x.Id);
        inbox.Property(x => x.Id).ValueGeneratedOnAdd();
        inbox.HasAlternateKey(x => new { x.MessageId, x.ConsumerId });
        inbox.Property(x => x.RowVersion).IsXminRowVersion();
        inbox.HasIndex(x => x.Delivered);

        callback?.Invoke(inbox);
    }

    public static void AddOutboxStateEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<OutboxState>>? callback = null)
    {
        var outbox = modelBuilder.Entity<OutboxState>();

        outbox.HasKey(x => x.OutboxId);
        outbox.Property(x => x.OutboxId).ValueGeneratedNever();
        outbox.Property(x => x.RowVersion).IsXminRowVersion();
        outbox.HasIndex(x => x.Created);

        callback?.Invoke(outbox);
    }

    public static void AddOutboxMessageEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<OutboxMessage>>? callback = null)
    {
        var message = modelBuilder.Entity<OutboxMessage>();

        message.HasKey(x => x.SequenceNumber);
        message.Property(x => x.SequenceNumber).ValueGeneratedOnAdd();

        message.Property(x => x.SourceAddress).HasMaxLength(256);
        message.Property(x => x.DestinationAddress).HasMaxLength(256);
        message.Property(x => x.ResponseAddress).HasMaxLength(256);
        message.Property(x => x.FaultAddress).HasMaxLength(256);
        message.Property(x => x.ContentType).HasMaxLength(256);

        message.HasIndex(x => x.ExpirationTime);
        message.HasIndex(x => x.EnqueueTime);

        message.HasIndex(x => new { x.InboxMessageId, x.InboxConsumerId, x.SequenceNumber }).IsUnique();
        message.HasOne<InboxState>().WithMany()
            .HasForeignKey(x => new { x.InboxMessageId, x.InboxConsumerId })
            .HasPrincipalKey(x => new { x.MessageId, x.ConsumerId })
            .IsRequired(false)
            .OnDelete(DeleteBehavior.Cascade);

        message.HasIndex(x => new { x.OutboxId, x.SequenceNumber }).IsUnique();
        message.HasOne<OutboxState>().WithMany()
            .HasForeignKey(x => x.OutboxId)
            .IsRequired(false)
            .OnDelete(DeleteBehavior.Cascade);

        callback?.Invoke(message);
    }

    /// <summary>
    /// Optimistic concurrency on Postgres: binds a <c>uint</c> property to the system column <c>xmin</c> (type xid), which
    /// Postgres changes on every update. No column is created; every UPDATE/DELETE checks it. Named explicitly so naming
    /// conventions (snake_case) cannot turn it into a real column.
    /// </summary>
    public static PropertyBuilder<uint> IsXminRowVersion(this PropertyBuilder<uint> property) =>
        property.IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
}
