using System.Data;
using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Runs one received message through the inbox, on the consume scope's DbContext.
/// <para>
/// First sight (nearly every message): one transaction inserts the (MessageId, consumer) inbox row, consumes, and saves
/// what the consume sent as outbox rows. A second one takes the row's lock (FOR UPDATE), sends those rows from memory,
/// then deletes them in the round trip that marks the inbox row delivered. A concurrent copy's insert waits on the row's
/// key until the first commit, then takes the path below, and waits on the lock while the first copy delivers.
/// </para>
/// <para>
/// A message whose inbox row exists (a redelivery after a crash or a failed delivery) runs MassTransit's protocol one
/// step per transaction under the row's lock: consume if it was not, deliver what is stored, clean up.
/// </para>
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

        while (true)
        {
            var consumed = await strategy.ExecuteAsync(_ => ConsumeFirstSight(context, options, next, messageId), context.CancellationToken)
                .ConfigureAwait(false);
            if (consumed != null)
            {
                // With nothing sent, what is left is to report it consumed.
                if (!consumed.IsOutboxDelivered)
                    await strategy.ExecuteAsync(_ => DeliverFirstSight(consumed, next, lockStatement, options.ConsumerId), context.CancellationToken).ConfigureAwait(false);
                while (consumed.ContinueProcessing)
                    await next.Send(consumed).ConfigureAwait(false);
                return;
            }

            // A copy recorded it: wait for its lock, then finish what it left (or nothing).
            bool? continueProcessing = true;
            while (continueProcessing == true)
                continueProcessing = await strategy.ExecuteAsync(_ => Step(context, options, next, messageId, lockStatement), context.CancellationToken)
                    .ConfigureAwait(false);
            if (continueProcessing == false)
                return;
            // The copy's consume rolled back, and its row with it: this copy is the first again.
        }
    }

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateFilterScope("outboxContextFactory");
        scope.Add("provider", "entityFrameworkCore-postgres");
    }

    /// <returns>The consumed message's context, ready to deliver; null when its inbox row exists already.</returns>
    Task<DbContextOutboxConsumeContext<TDbContext, T>?> ConsumeFirstSight<T>(ConsumeContext<T> context, OutboxConsumeOptions options,
        IPipe<OutboxConsumeContext<T>> next, Guid messageId)
        where T : class =>
        InTransaction(context.CancellationToken, async transaction =>
        {
            // Consumed from the start: the row exists only if the consume commits with it. A concurrent copy's insert waits on
            // the row's key until this transaction ends.
            var now = DateTime.UtcNow;
            var inboxState = new InboxState
            {
                MessageId = messageId,
                ConsumerId = options.ConsumerId,
                Received = now,
                ReceiveCount = 1,
                LockId = NewId.NextGuid(),
                ExpirationTime = context.ExpirationTime,
                Consumed = now
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
                return null;
            }

            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, options, _provider, _dbContext, transaction, inboxState,
                _lockStatementProvider.GetDeliveredStatement(_dbContext));

            await next.Send(outboxContext).ConfigureAwait(false);

            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
            await outboxContext.KeepSentMessages(context.CancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
            return outboxContext;
        });

    /// <summary>Under the inbox row's lock: sends what the first sight stored, unless a copy did meanwhile.</summary>
    Task<bool> DeliverFirstSight<T>(DbContextOutboxConsumeContext<TDbContext, T> consumed, IPipe<OutboxConsumeContext<T>> next, string lockStatement,
        Guid consumerId)
        where T : class =>
        InTransaction(consumed.CancellationToken, async transaction =>
        {
            List<InboxState> rows = await _dbContext.Set<InboxState>()
                .FromSqlRaw(lockStatement, consumed.MessageId!.Value, consumerId)
                .AsNoTracking()
                .ToListAsync(consumed.CancellationToken).ConfigureAwait(false);
            consumed.LockedForDelivery(rows.SingleOrDefault());

            while (!consumed.IsOutboxDelivered)
                await next.Send(consumed).ConfigureAwait(false);

            await transaction.CommitAsync(consumed.CancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>One step of MassTransit's protocol under the existing inbox row's lock.</summary>
    /// <returns>Whether there is another step; null when the row is gone (the copy that inserted it rolled back).</returns>
    Task<bool?> Step<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next, Guid messageId,
        string lockStatement)
        where T : class =>
        InTransaction<bool?>(context.CancellationToken, async transaction =>
        {
            // Every step re-reads what it locks: an inbox row still tracked from an earlier step would win over the row just
            // locked (identity resolution) and carry another copy's outdated Consumed/xmin. Earlier steps are committed.
            _dbContext.ChangeTracker.Clear();
            List<InboxState> rows = await _dbContext.Set<InboxState>()
                .FromSqlRaw(lockStatement, messageId, options.ConsumerId)
                .AsTracking()
                .ToListAsync(context.CancellationToken).ConfigureAwait(false);
            if (rows.SingleOrDefault() is not { } inboxState)
            {
                await transaction.RollbackQuietlyAsync().ConfigureAwait(false);
                return null;
            }

            inboxState.LockId = NewId.NextGuid();
            inboxState.ReceiveCount++;
            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);

            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, options, _provider, _dbContext, transaction, inboxState);

            await next.Send(outboxContext).ConfigureAwait(false);

            // whatever the consumer left unsaved (its entities, the messages it sent) commits now or never
            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);

            var continueProcessing = outboxContext.ContinueProcessing;
            await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);
            return continueProcessing;
        });

    /// <summary>Runs <paramref name="work" /> in a new transaction, which it commits; a failure rolls it back and forgets
    /// whatever was tracked (a retry in the same scope must not save it again).</summary>
    async Task<TResult> InTransaction<TResult>(CancellationToken cancellationToken, Func<IDbContextTransaction, Task<TResult>> work)
    {
        await using var transaction = await _dbContext.Database.BeginTransactionAsync(_isolationLevel, cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(transaction).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await transaction.RollbackQuietlyAsync().ConfigureAwait(false);
            _dbContext.ChangeTracker.Clear();
            throw;
        }
    }
}
