using MassTransit;
using MassTransit.Middleware.Outbox;
using Microsoft.Extensions.Options;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>
/// Wakes the bus outbox delivery service when an outbox was committed, or after <c>QueryDelay</c> at the latest. Unlike
/// MassTransit's, a signal that arrives while the service is busy delivering is kept for its next wait, so the service
/// need not query an empty table after every round to be sure it missed nothing.
/// </summary>
public sealed class PendingBusOutboxNotification(IOptions<OutboxDeliveryServiceOptions> options) : IBusOutboxNotification
{
    readonly Lock _lock = new();
    TaskCompletionSource _signal = NewSignal();

    public async Task WaitForDelivery(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
            signal = _signal.Task;

        try
        {
            await signal.WaitAsync(options.Value.QueryDelay, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        lock (_lock)
        {
            if (_signal.Task.IsCompleted)
                _signal = NewSignal();
        }
    }

    public void Delivered()
    {
        lock (_lock)
            _signal.TrySetResult();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
