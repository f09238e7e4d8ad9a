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
/// Sends what the bus outbox committed. Each round claims the oldest outbox no one else holds (FOR UPDATE SKIP LOCKED),
/// sends its messages in sequence order and deletes them in the same transaction, so any number of instances, in any
/// number of processes, share the work and a message leaves the table only once it reached the transport. A crash
/// between send and commit re-sends it later (at least once; the consumer-side inbox removes the duplicate).
/// </summary>
public sealed class BusOutboxDeliveryService<TDbContext> : BackgroundService
    where TDbContext : DbContext
{
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

                var sent = await DeliverPending(stoppingToken).ConfigureAwait(false);
                if (sent > 0)
                    continue;

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

    /// <summary>Delivers outboxes until none is left (or QueryMessageLimit messages went out); returns the number sent.</summary>
    async Task<int> DeliverPending(CancellationToken cancellationToken)
    {
        await using var scope = _scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var claimStatement = _outboxOptions.LockStatementProvider.GetOutboxStatement(dbContext);
        var strategy = dbContext.Database.CreateExecutionStrategy();

        var total = 0;
        while (total < _options.QueryMessageLimit && !cancellationToken.IsCancellationRequested)
        {
            var round = await strategy.ExecuteAsync(token => DeliverOneOutbox(dbContext, claimStatement, token), cancellationToken)
                .ConfigureAwait(false);
            total += round.Sent;

            // Nothing waiting, or the transport refused a message: back off until notified or the next poll.
            if (!round.Claimed || round.SendFailed)
                return round.SendFailed ? 0 : total;
        }

        return total;
    }

    readonly record struct Round(bool Claimed, int Sent, bool SendFailed);

    async Task<Round> DeliverOneOutbox(TDbContext dbContext, string claimStatement, CancellationToken cancellationToken)
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
            var outbox = claimed.SingleOrDefault();
            if (outbox == null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new Round(false, 0, false);
            }

            var after = outbox.LastSequenceNumber ?? 0;
            List<OutboxMessage> messages = await dbContext.Set<OutboxMessage>().AsNoTracking()
                .Where(x => x.OutboxId == outbox.OutboxId && x.SequenceNumber > after)
                .OrderBy(x => x.SequenceNumber)
                .Take(_options.MessageDeliveryLimit)
                .ToListAsync(queryTimeout.Token).ConfigureAwait(false);

            var sent = 0;
            long? lastSent = null;
            var complete = true;
            foreach (var message in messages)
            {
                if (!await TrySend(message, cancellationToken).ConfigureAwait(false))
                {
                    complete = false;
                    break;
                }

                sent++;
                lastSent = message.SequenceNumber;
            }

            if (complete && messages.Count < _options.MessageDeliveryLimit)
            {
                // Everything went out: the outbox goes, and its messages with it (the foreign key cascades; a statement of
                // their own would delete them twice over).
                dbContext.Remove(outbox);
            }
            else if (lastSent is { } last)
            {
                await dbContext.Set<OutboxMessage>().Where(x => x.OutboxId == outbox.OutboxId && x.SequenceNumber <= last)
                    .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                outbox.LastSequenceNumber = last;
                outbox.LockId = NewId.NextGuid();
            }

            await dbContext.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

            return new Round(true, sent, !complete);
        }
        catch (Exception)
        {
            await transaction.RollbackQuietlyAsync().ConfigureAwait(false);

            throw;
        }
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
