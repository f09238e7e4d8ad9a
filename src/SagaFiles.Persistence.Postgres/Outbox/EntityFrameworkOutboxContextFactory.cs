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
/// deliver, clean up) in its own transaction on the consume scope's DbContext.
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

            bool continueProcessing;
            if (inboxState == null)
            {
                // First sight of this message: record it and commit, so that any concurrent copy blocks on this row from now on.
                inboxState = new InboxState
                {
                    MessageId = messageId,
                    ConsumerId = options.ConsumerId,
                    Received = DateTime.UtcNow,
                    LockId = NewId.NextGuid(),
                    ExpirationTime = context.ExpirationTime
                };
                var entry = _dbContext.Add(inboxState);
                try
                {
                    await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException exception) when (PostgresConcurrency.IsUniqueViolation(exception))
                {
                    // A concurrent copy recorded it first; go round again and wait on its row lock.
                    entry.State = EntityState.Detached;
                }

                continueProcessing = true;
            }
            else
            {
                inboxState.LockId = NewId.NextGuid();
                inboxState.ReceiveCount++;
                await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);

                var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, options, _provider, _dbContext, transaction, inboxState);

                await next.Send(outboxContext).ConfigureAwait(false);

                // whatever the consumer left unsaved (its entities, the messages it sent) commits now or never
                await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);

                continueProcessing = outboxContext.ContinueProcessing;
            }

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
