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
/// </summary>
public sealed class DbContextOutboxConsumeContext<TDbContext, TMessage> : OutboxConsumeContextProxy<TMessage>, DbTransactionContext
    where TDbContext : DbContext
    where TMessage : class
{
    readonly TDbContext _dbContext;
    readonly InboxState _inboxState;
    readonly IDbContextTransaction _transaction;

    public DbContextOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider, TDbContext dbContext,
        IDbContextTransaction transaction, InboxState inboxState)
        : base(context, options, provider)
    {
        _dbContext = dbContext;
        _transaction = transaction;
        _inboxState = inboxState;
    }

    public Guid TransactionId => _transaction.TransactionId;

    public override Guid? MessageId => _inboxState.MessageId;

    public override bool ContinueProcessing { get; set; } = true;

    public override bool IsMessageConsumed => _inboxState.Consumed.HasValue;

    public override bool IsOutboxDelivered => _inboxState.Delivered.HasValue;

    public override int ReceiveCount => _inboxState.ReceiveCount;

    public override long? LastSequenceNumber => _inboxState.LastSequenceNumber;

    public override async Task SetConsumed()
    {
        _inboxState.Consumed = DateTime.UtcNow;
        await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    public override async Task SetDelivered()
    {
        _inboxState.Delivered = DateTime.UtcNow;
        await _dbContext.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        var after = _inboxState.LastSequenceNumber ?? 0;

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
        _dbContext.Set<OutboxMessage>()
            .Where(x => x.InboxMessageId == _inboxState.MessageId && x.InboxConsumerId == ConsumerId)
            .ExecuteDeleteAsync(CancellationToken);

    public override Task AddSend<T>(SendContext<T> context) =>
        _dbContext.Set<OutboxMessage>().AddSend(context, SerializerContext, _inboxState.MessageId, ConsumerId);
}
