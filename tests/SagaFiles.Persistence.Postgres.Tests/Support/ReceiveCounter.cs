using System.Collections.Concurrent;
using MassTransit;

namespace SagaFiles.Persistence.Postgres.Tests.Support;

/// <summary>
/// Observes a bus's receive endpoints: which messages finished their whole receive pipeline (consumed, skipped as a
/// duplicate, or faulted after retries), and which consumers faulted. Tests await it instead of sleeping.
/// </summary>
public sealed class ReceiveCounter : IReceiveObserver
{
    readonly ConcurrentDictionary<Guid, int> _finished = new();
    readonly ConcurrentDictionary<ReceiveContext, byte> _seen = new(ReferenceEqualityComparer.Instance);
    readonly ConcurrentQueue<Exception> _consumeFaults = new();
    readonly Lock _lock = new();
    readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    int _receives;

    /// <summary>Receives that finished (a message received twice counts twice).</summary>
    public int Receives => Volatile.Read(ref _receives);

    public IReadOnlyCollection<Exception> ConsumeFaults => _consumeFaults;

    /// <summary>How many times a message with this MessageId finished its receive pipeline.</summary>
    public int TimesReceived(Guid messageId) => _finished.GetValueOrDefault(messageId);

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context)
    {
        Finished(context);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class
    {
        _consumeFaults.Enqueue(exception);
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        _consumeFaults.Enqueue(exception);
        Finished(context);
        return Task.CompletedTask;
    }

    /// <summary>Completes once <paramref name="count" /> receives finished; throws TimeoutException otherwise.</summary>
    public async Task WaitForReceives(int count, TimeSpan timeout)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (Receives >= count)
                return;
            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {timeout} for {count} receives; {Receives} finished. Consume faults: "
                + string.Join(" | ", _consumeFaults.Select(x => x.GetType().Name + ": " + x.Message)));
        }
    }

    void Finished(ReceiveContext context)
    {
        // a faulted receive may report both ReceiveFault and PostReceive: count each receive once
        if (!_seen.TryAdd(context, 0))
            return;

        var messageId = context.GetMessageId() ?? Guid.Empty;
        _finished.AddOrUpdate(messageId, 1, (_, n) => n + 1);

        lock (_lock)
        {
            _receives++;
            foreach (var waiter in _waiters.Where(x => _receives >= x.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
