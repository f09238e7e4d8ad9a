using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.Data;

namespace SagaFiles.Sources;

/// <summary>
/// How a source's ledger row (a folder file, a bucket object) stays with the instance submitting it: the row is held for
/// <see cref="Hold" />, renewed every third of it while its bytes are stored, so only a row whose instance died is
/// submitted again by another (and were two to submit it, the row's id as idempotency key keeps one file).
/// </summary>
static class LedgerHold
{
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="work" /> (storing a row's bytes) while renewing the row's hold, as <see cref="RenewAsync" /> does.</summary>
    public static async Task<T> WhileHeldAsync<T>(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger, Guid id,
        Func<SagaFilesDbContext, DateTimeOffset, CancellationToken, Task> renew, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(scopes, clock, logger, id, renew, holding.Token);
        try
        {
            return await work();
        }
        finally
        {
            await holding.CancelAsync();
            await renewing;
        }
    }

    /// <summary>
    /// Renews the hold until <paramref name="stop" />, each time through a context of its own (the intake uses the caller's):
    /// <paramref name="renew" /> sets the row's hold to the time it is given, while the row is still being submitted.
    /// </summary>
    static async Task RenewAsync(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger, Guid id,
        Func<SagaFilesDbContext, DateTimeOffset, CancellationToken, Task> renew, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
            try
            {
                await Task.Delay(Hold / 3, clock, stop);
                await using var scope = scopes.CreateAsyncScope();
                await renew(scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>(), clock.GetUtcNow() + Hold, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Submitted (or given up): the hold has done its work.
            }
            catch (Exception e)
            {
                // The next renewal tries again; should the hold lapse meanwhile, a second submission replays this one.
                logger.LogWarning(e, "Renewing the hold on ledger row {Id} failed", id);
            }
    }
}
