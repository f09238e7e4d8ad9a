using System.Data;
using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Runs one received message through the inbox and MassTransit's outbox protocol (consume, deliver, clean up) on the
/// consume scope's DbContext, in as few transactions as it safely can: two for a message whose consumer sends something,
/// one otherwise. The first records the message (an INSERT that holds the new inbox row's lock, so a concurrent copy
/// waits for this transaction and then finds the message consumed), consumes it and stores what it sends. The second
/// sends what was stored, after that commit, and removes it. A consume that stored nothing to send goes straight on
/// to the clean-up in its own transaction: nothing can have left before the commit.
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
        var statements = new InboxStatements(_lockStatementProvider.GetInboxInsertStatement(_dbContext),
            _lockStatementProvider.GetRowLockStatement<InboxState>(_dbContext, nameof(InboxState.MessageId), nameof(InboxState.ConsumerId)));

        var strategy = _dbContext.Database.CreateExecutionStrategy();

        var continueProcessing = true;
        while (continueProcessing)
            continueProcessing = await strategy.ExecuteAsync(_ => Step(context, options, next, messageId, statements), context.CancellationToken)
                .ConfigureAwait(false);
    }

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateFilterScope("outboxContextFactory");
        scope.Add("provider", "entityFrameworkCore-postgres");
    }

    readonly record struct InboxStatements(string Insert, string Lock);

    async Task<bool> Step<T>(ConsumeContext<T> context, OutboxConsumeOptions options, IPipe<OutboxConsumeContext<T>> next, Guid messageId,
        InboxStatements statements)
        where T : class
    {
        // Every step re-reads what it locks: an inbox row still tracked from an earlier step would win over the row just
        // locked (identity resolution) and carry another copy's outdated Consumed/xmin. Earlier steps are committed.
        _dbContext.ChangeTracker.Clear();
        // No SAVEPOINT/RELEASE pair around every SaveChanges: a failure rolls the whole step back anyway.
        _dbContext.Database.AutoSavepointsEnabled = false;

        await using var transaction = await _dbContext.Database.BeginTransactionAsync(_isolationLevel, context.CancellationToken).ConfigureAwait(false);
        try
        {
            var inboxState = await Claim(context, options, messageId, statements).ConfigureAwait(false);
            var outboxContext = new DbContextOutboxConsumeContext<TDbContext, T>(context, options, _provider, _dbContext, transaction, inboxState);

            await next.Send(outboxContext).ConfigureAwait(false);
            // Consumed without storing anything to send, or just delivered: the next steps of the protocol are safe in
            // this transaction (what it deletes was sent, or never existed).
            while (outboxContext.ContinueProcessing && inboxState.Consumed.HasValue &&
                   (inboxState.Delivered.HasValue || !_dbContext.ChangeTracker.Entries<OutboxMessage>().Any()))
                await next.Send(outboxContext).ConfigureAwait(false);

            // whatever the consumer left unsaved (its entities, the messages it sent) commits now or never
            await _dbContext.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(context.CancellationToken).ConfigureAwait(false);

            return outboxContext.ContinueProcessing;
        }
        catch (Exception)
        {
            await transaction.RollbackQuietlyAsync().ConfigureAwait(false);

            // Nothing tracked survives a rolled back transaction (a retry in the same scope must not save it again).
            _dbContext.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>The message's inbox row, locked: inserted on first sight (one statement), else the existing one (waiting for its lock).</summary>
    async Task<InboxState> Claim<T>(ConsumeContext<T> context, OutboxConsumeOptions options, Guid messageId, InboxStatements statements)
        where T : class
    {
        List<InboxState> inserted = await _dbContext.Set<InboxState>()
            .FromSqlRaw(statements.Insert, messageId, options.ConsumerId, NewId.NextGuid(), DateTime.UtcNow, context.ExpirationTime!)
            .AsTracking()
            .ToListAsync(context.CancellationToken).ConfigureAwait(false);
        if (inserted.Count == 1)
            return inserted[0];

        List<InboxState> existing = await _dbContext.Set<InboxState>()
            .FromSqlRaw(statements.Lock, messageId, options.ConsumerId)
            .AsTracking()
            .ToListAsync(context.CancellationToken).ConfigureAwait(false);
        var inboxState = existing.Single();
        inboxState.ReceiveCount++;
        return inboxState;
    }
}
