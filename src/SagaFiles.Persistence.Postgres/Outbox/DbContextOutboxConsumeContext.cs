using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// The consume context a consumer (or saga) sees under the outbox: everything it sends or publishes becomes an
/// <see cref="OutboxMessage" /> row in the same DbContext and transaction as its own changes, keyed by the inbox row.
/// On a first sight (<see cref="EntityFrameworkOutboxContextFactory{TDbContext}" />) the rows just saved are delivered
/// from memory and removed in the round trip that marks the inbox row delivered; otherwise each protocol step reads and
/// writes the database.
/// </summary>
public sealed class DbContextOutboxConsumeContext<TDbContext, TMessage> : OutboxConsumeContextProxy<TMessage>, DbTransactionContext
    where TDbContext : DbContext
    where TMessage : class
{
    readonly TDbContext _dbContext;
    readonly InboxState _inboxState;
    readonly IDbContextTransaction _transaction;
    readonly string? _deliveredStatement;
    bool _consumed;
    List<OutboxMessage>? _sent;

    /// <param name="deliveredStatement">First sight only (<see cref="ILockStatementProvider.GetDeliveredStatement" />): the inbox
    /// row was inserted in <paramref name="transaction" />, already stamped Consumed (the stamp commits only with the consume).</param>
    public DbContextOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider, TDbContext dbContext,
        IDbContextTransaction transaction, InboxState inboxState, string? deliveredStatement = null)
        : base(context, options, provider)
    {
        _dbContext = dbContext;
        _transaction = transaction;
        _inboxState = inboxState;
        _deliveredStatement = deliveredStatement;
    }

    public Guid TransactionId => _transaction.TransactionId;

    public override Guid? MessageId => _inboxState.MessageId;

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => _deliveredStatement != null ? _consumed : _inboxState.Consumed.HasValue;

    public override bool IsOutboxDelivered => _inboxState.Delivered.HasValue;

    public override int ReceiveCount => _inboxState.ReceiveCount;

    public override long? LastSequenceNumber => _inboxState.LastSequenceNumber;

    public override async Task SetConsumed()
    {
        if (_deliveredStatement != null)
        {
            _consumed = true;
            return;
        }

        _inboxState.Consumed = DateTime.UtcNow;
        await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// First sight, once the consume's changes are saved and before its commit: keeps the outbox rows it wrote for delivery
    /// after the commit; with none, the inbox row is delivered already (saved in the same transaction).
    /// </summary>
    public async Task KeepSentMessages(CancellationToken cancellationToken)
    {
        _sent = _dbContext.ChangeTracker.Entries<OutboxMessage>()
            .Select(entry => entry.Entity)
            .Where(x => x.InboxMessageId == _inboxState.MessageId && x.InboxConsumerId == ConsumerId)
            .OrderBy(x => x.SequenceNumber)
            .ToList();
        if (_sent.Count > 0)
            return;

        _inboxState.Delivered = DateTime.UtcNow;
        await _dbContext.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>First sight, holding the inbox row's lock to deliver: a copy that held it first may have delivered already.</summary>
    /// <param name="locked">The row as read under the lock; null if it is gone (removed after the detection window).</param>
    public void LockedForDelivery(InboxState? locked)
    {
        if (locked is { Delivered: null })
            return;
        _inboxState.Delivered = locked?.Delivered ?? DateTime.UtcNow;
        _sent?.Clear();
    }

    public override async Task SetDelivered()
    {
        _inboxState.Delivered = DateTime.UtcNow;
        if (_sent == null || _deliveredStatement == null)
        {
            await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
            return;
        }

        // The rows are sent: remove them and mark the inbox row in one round trip, outside any lock (see the factory).
        await _dbContext.Database.ExecuteSqlRawAsync(_deliveredStatement,
            [_inboxState.MessageId, ConsumerId, _inboxState.Delivered, (object?)_inboxState.LastSequenceNumber ?? DBNull.Value], CancellationToken)
            .ConfigureAwait(false);
        _sent.Clear();
        _dbContext.ChangeTracker.Clear();
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        var after = _inboxState.LastSequenceNumber ?? 0;
        if (_sent != null)
        {
            List<OutboxMessage> kept = _sent.Where(x => x.SequenceNumber > after).Take(Options.MessageDeliveryLimit + 1).ToList();
            foreach (var message in kept)
                message.Deserialize(SerializerContext);
            return kept.ConvertAll(x => (OutboxMessageContext)x);
        }

        List<OutboxMessage> messages = await _dbContext.Set<OutboxMessage>().AsNoTracking()
            .Where(x => x.InboxMessageId == _inboxState.MessageId && x.InboxConsumerId == ConsumerId && x.SequenceNumber > after)
            .OrderBy(x => x.SequenceNumber)
            .Take(Options.MessageDeliveryLimit + 1)
            .ToListAsync(CancellationToken).ConfigureAwait(false);

        foreach (var message in messages)
            message.Deserialize(SerializerContext);

        return messages.ConvertAll(x => (OutboxMessageContext)x);
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message)
    {
        _inboxState.LastSequenceNumber = message.SequenceNumber;
        return Task.CompletedTask;
    }

    public override Task RemoveOutboxMessages() =>
        _sent != null
            ? Task.CompletedTask // removed as they were marked delivered
            : _dbContext.Set<OutboxMessage>()
            .Where(x => x.InboxMessageId == _inboxState.MessageId && x.InboxConsumerId == ConsumerId)
            .ExecuteDeleteAsync(CancellationToken);

    public override Task AddSend<T>(SendContext<T> context) =>
        _dbContext.Set<OutboxMessage>().AddSend(context, SerializerContext, _inboxState.MessageId, ConsumerId);
}
