using System.Data;
using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Sends what the bus outbox committed. Each round claims up to <see cref="OutboxesPerRound" /> of the oldest outboxes no
/// one else holds (FOR UPDATE SKIP LOCKED), sends each one's messages in sequence order (the outboxes side by side) and
/// deletes the delivered outboxes (their messages cascade) in the same transaction, so any number of instances, in any
/// number of processes, share the work and a message leaves the table only once it reached the transport. A crash
/// between send and commit re-sends it later (at least once; the consumer-side inbox removes the duplicate).
/// </summary>
public sealed class BusOutboxDeliveryService<TDbContext> : BackgroundService
    where TDbContext : DbContext
{
    /// <summary>Outboxes (one per SaveChanges that published, e.g. one per upload) claimed and sent together.</summary>
    public const int OutboxesPerRound = 16;

    readonly IBusControl _bus;
    readonly ILogger _logger;
    readonly IBusOutboxNotification _notification;
    readonly OutboxDeliveryServiceOptions _options;
    readonly EntityFrameworkOutboxOptions<TDbContext> _outboxOptions;
    readonly IServiceScopeFactory _scopeFactory;

    public BusOutboxDeliveryService(IBusControl bus, IBusOutboxNotification notification, IOptions<OutboxDeliveryServiceOptions> options,
        IOptions<EntityFrameworkOutboxOptions<TDbContext>> outboxOptions, IServiceScopeFactory scopeFactory, ILogger<BusOutboxDeliveryService<TDbContext>> logger)
    {
        _bus = bus;
        _notification = notification;
        _options = options.Value;
        _outboxOptions = outboxOptions.Value;
        _scopeFactory = scopeFactory;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken).ConfigureAwait(false);

                await DeliverPending(stoppingToken).ConfigureAwait(false);

                await _notification.WaitForDelivery(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (PostgresConcurrency.IsRetryable(exception))
            {
                _logger.LogDebug(exception, "Outbox delivery conflicted with another instance; retrying");
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "Outbox delivery faulted; retrying after {QueryDelay}", _options.QueryDelay);
                try
                {
                    await Task.Delay(_options.QueryDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Delivers outboxes while full rounds come back (or until QueryMessageLimit messages went out). A round with fewer
    /// outboxes than it asked for found the table drained: what commits later signals the notification, which
    /// <see cref="PendingBusOutboxNotification" /> keeps until the next wait, so no empty round is needed to be sure.
    /// </summary>
    async Task DeliverPending(CancellationToken cancellationToken)
    {
        await using var scope = _scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        dbContext.Database.AutoSavepointsEnabled = false; // a failed round rolls back whole
        var claimStatement = _outboxOptions.LockStatementProvider.GetOutboxStatement(dbContext, OutboxesPerRound);
        var strategy = dbContext.Database.CreateExecutionStrategy();

        var total = 0;
        while (total < _options.QueryMessageLimit && !cancellationToken.IsCancellationRequested)
        {
            var round = await strategy.ExecuteAsync(token => DeliverClaimed(dbContext, claimStatement, token), cancellationToken)
                .ConfigureAwait(false);
            total += round.Sent;

            // The table is drained, or the transport refused a message: back off until notified or the next poll.
            if (round.Claimed < OutboxesPerRound || round.SendFailed)
                return;
        }
    }

    readonly record struct Round(int Claimed, int Sent, bool SendFailed);

    async Task<Round> DeliverClaimed(TDbContext dbContext, string claimStatement, CancellationToken cancellationToken)
    {
        dbContext.ChangeTracker.Clear();

        using var queryTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        queryTimeout.CancelAfter(_options.QueryTimeout);

        await using var transaction = await dbContext.Database.BeginTransactionAsync(_outboxOptions.IsolationLevel, queryTimeout.Token)
            .ConfigureAwait(false);
        try
        {
            List<OutboxState> claimed = await dbContext.Set<OutboxState>().FromSqlRaw(claimStatement).AsTracking()
                .ToListAsync(queryTimeout.Token).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new Round(0, 0, false);
            }

            var ids = claimed.ConvertAll(x => x.OutboxId);
            List<OutboxMessage> messages = await dbContext.Set<OutboxMessage>().AsNoTracking()
                .Where(x => x.OutboxId != null && ids.Contains(x.OutboxId.Value))
                .OrderBy(x => x.SequenceNumber)
                .ToListAsync(queryTimeout.Token).ConfigureAwait(false);
            var byOutbox = messages.ToLookup(x => x.OutboxId!.Value);

            // Outboxes are independent (order holds within one): they go out side by side.
            var outcomes = await Task.WhenAll(claimed.Select(outbox => SendInOrder(outbox, byOutbox[outbox.OutboxId], cancellationToken)))
                .ConfigureAwait(false);

            foreach (var (outbox, _, lastSent, complete) in outcomes)
            {
                if (complete)
                    dbContext.Remove(outbox); // its messages cascade
                else if (lastSent is { } last)
                {
                    await dbContext.Set<OutboxMessage>().Where(x => x.OutboxId == outbox.OutboxId && x.SequenceNumber <= last)
                        .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                    outbox.LastSequenceNumber = last;
                    outbox.LockId = NewId.NextGuid();
                }
            }

            await dbContext.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            return new Round(claimed.Count, outcomes.Sum(x => x.Sent), outcomes.Any(x => !x.Complete));
        }
        catch (Exception)
        {
            await transaction.RollbackQuietlyAsync().ConfigureAwait(false);

            throw;
        }
    }

    readonly record struct OutboxOutcome(OutboxState Outbox, int Sent, long? LastSent, bool Complete);

    /// <summary>Sends an outbox's messages not yet sent, in order, stopping at the first the transport refuses.</summary>
    async Task<OutboxOutcome> SendInOrder(OutboxState outbox, IEnumerable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var after = outbox.LastSequenceNumber ?? 0;
        var sent = 0;
        long? lastSent = null;
        foreach (var message in messages.Where(x => x.SequenceNumber > after))
        {
            if (!await TrySend(message, cancellationToken).ConfigureAwait(false))
                return new OutboxOutcome(outbox, sent, lastSent, false);
            sent++;
            lastSent = message.SequenceNumber;
        }

        return new OutboxOutcome(outbox, sent, lastSent, true);
    }

    async Task<bool> TrySend(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (message.DestinationAddress == null)
        {
            _logger.LogWarning("Outbox message {MessageId} ({SequenceNumber}) has no destination; dropped", message.MessageId, message.SequenceNumber);
            return true;
        }

        message.Deserialize(SystemTextJsonMessageSerializer.Instance);
        try
        {
            using var sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            sendTimeout.CancelAfter(_options.MessageDeliveryTimeout);

            var endpoint = await _bus.GetSendEndpoint(message.DestinationAddress).ConfigureAwait(false);
            await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), sendTimeout.Token)
                .ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(exception, "Outbox send of {MessageId} to {Destination} failed; will retry", message.MessageId, message.DestinationAddress);
            return false;
        }
    }
}
