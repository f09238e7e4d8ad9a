using System.Data;
using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Runs one received message through the inbox: takes the (MessageId, consumer) inbox row with FOR UPDATE, so a
/// redelivered copy waits for (and then skips) the first, and runs each step of MassTransit's outbox protocol (consume,
/// deliver, clean up) in its own transaction on the consume scope's DbContext; a message seen for the first time is
/// recorded in the transaction that consumes it.
/// </summary>
public sealed class EntityFrameworkOutboxContextFactory<TDbContext> : IOutboxContextFactory<TDbContext>
    where TDbContext : DbContext
{
    readonly TDbContext _dbContext;
    readonly IsolationLevel _isolationLevel;
    readonly ILockStatementProvider _lockStatementProvider;
    readonly IServiceProvider _provider;

    public EntityFrameworkOutboxContextFactory(TDbContext dbContext, IServiceProvider provider, IOptions<EntityFrameworkOutboxOptions<TDbContext>> options)
    {
        _dbContext = dbContext;
        _provider = provider;
        _isolationLevel = options.Value.IsolationLevel;
        _lockStatementProvider = options.Value.LockStatementProvider;
    }

    public async Task Send<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next)
        where T : class
    {
        var messageId = context.GetOriginalMessageId() ?? throw new MessageException(typeof(T), "The inbox needs a MessageId");
        var lockStatement = _lockStatementProvider.GetRowLockStatement<InboxState>(_dbContext, nameof(InboxState.MessageId), nameof(InboxState.ConsumerId));

        var strategy = _dbContext.Database.CreateExecutionStrategy();

        var continueProcessing = true;
        while (continueProcessing)
            continueProcessing = await strategy.ExecuteAsync(_ => Step(context, options, next, messageId, lockStatement), context.CancellationToken)
                .ConfigureAwait(false);
    }

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateFilterScope("outboxContextFactory");
        scope.Add("provider", "entityFrameworkCore-postgres");
    }

    async Task<bool> Step<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next, Guid messageId,
        string lockStatement)
        where T : class
    {
        // Every step re-reads what it locks: an inbox row still tracked from an earlier step would win over the row just
        // locked (identity resolution) and carry another copy's outdated Consumed/xmin. Earlier steps are committed.
        _dbContext.ChangeTracker.Clear();

        await using var transaction = await _dbContext.Database.BeginTransactionAsync(_isolationLevel, context.CancellationToken).ConfigureAwait(false);
        try
        {
            List<InboxState> rows = await _dbContext.Set<InboxState>()
                .FromSqlRaw(lockStatement, messageId, options.ConsumerId)
                .AsTracking()
                .ToListAsync(context.CancellationToken).ConfigureAwait(false);
            var inboxState = rows.SingleOrDefault();

            if (inboxState == null)
            {
                // First sight of this message: record it and consume it in one transaction. A concurrent copy's insert waits
                // on this row's key until this transaction ends, then finds it taken and goes round to wait on its lock.
                inboxState = new InboxState
                {
                    MessageId = messageId,
                    ConsumerId = options.ConsumerId,
                    Received = DateTime.UtcNow,
                    ReceiveCount = 1,
                    LockId = NewId.NextGuid(),
                    ExpirationTime = context.ExpirationTime
                };
                _dbContext.Add(inboxState);
                try
                {
                    await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException exception) when (PostgresConcurrency.IsUniqueViolation(exception))
                {
                    await transaction.RollbackQuietlyAsync().ConfigureAwait(false);
                    _dbContext.ChangeTracker.Clear();
                    return true;
                }
            }
            else
            {
                inboxState.LockId = NewId.NextGuid();
                inboxState.ReceiveCount++;
                await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
            }

            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, options, _provider, _dbContext, transaction, inboxState);

            await next.Send(outboxContext).ConfigureAwait(false);

            // whatever the consumer left unsaved (its entities, the messages it sent) commits now or never
            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);

            var continueProcessing = outboxContext.ContinueProcessing;
            await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);

            return continueProcessing;
        }
        catch (Exception)
        {
            await transaction.RollbackQuietlyAsync().ConfigureAwait(false);

            // Nothing tracked survives a rolled back transaction (a retry in the same scope must not save it again).
            _dbContext.ChangeTracker.Clear();
            throw;
        }
    }
}
