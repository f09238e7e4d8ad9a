using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Deletes inbox rows whose messages were consumed and delivered longer ago than the duplicate detection window.
/// A copy of such a message arriving later is consumed again: the window is the deduplication guarantee.
/// </summary>
public sealed class InboxCleanupService<TDbContext> : BackgroundService
    where TDbContext : DbContext
{
    readonly ILogger _logger;
    readonly InboxCleanupServiceOptions<TDbContext> _options;
    readonly IServiceScopeFactory _scopeFactory;
    readonly TimeProvider _timeProvider;

    public InboxCleanupService(IOptions<InboxCleanupServiceOptions<TDbContext>> options, IServiceScopeFactory scopeFactory,
        ILogger<InboxCleanupService<TDbContext>> logger, TimeProvider? timeProvider = null)
    {
        _options = options.Value;
        _scopeFactory = scopeFactory;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await RemoveExpired(stoppingToken).ConfigureAwait(false);
                if (removed < _options.QueryMessageLimit)
                    await Task.Delay(_options.QueryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.LogError(exception, "Inbox cleanup faulted; retrying after {QueryDelay}", _options.QueryDelay);
                try
                {
                    await Task.Delay(_options.QueryDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One batch (at most QueryMessageLimit rows); returns how many rows were deleted.</summary>
    public async Task<int> RemoveExpired(CancellationToken cancellationToken)
    {
        await using var scope = _scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TDbContext>();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.QueryTimeout);

        var expiredBefore = _timeProvider.GetUtcNow().UtcDateTime - _options.DuplicateDetectionWindow;
        var inbox = dbContext.Set<InboxState>();
        var batch = inbox.Where(x => x.Delivered != null && x.Delivered < expiredBefore)
            .OrderBy(x => x.Delivered)
            .Take(_options.QueryMessageLimit)
            .Select(x => x.Id);

        var removed = await inbox.Where(x => batch.Contains(x.Id)).ExecuteDeleteAsync(timeout.Token).ConfigureAwait(false);
        if (removed > 0)
            _logger.LogDebug("Removed {Count} inbox rows older than the duplicate detection window", removed);

        return removed;
    }
}
