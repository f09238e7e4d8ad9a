using System.Collections.Concurrent;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>What consumers saw, with a way to wait for a number of entries without sleeping.</summary>
public sealed class ConsumedLog<T>
{
    readonly ConcurrentQueue<T> _entries = new();
    readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    public IReadOnlyCollection<T> Entries => _entries.ToArray();

    public int Count => _entries.Count;

    public void Add(T entry)
    {
        _entries.Enqueue(entry);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => _entries.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes once <paramref name="count" /> entries are in; throws <see cref="TimeoutException" /> after <paramref name="timeout" />.</summary>
    public async Task<IReadOnlyCollection<T>> WaitFor(int count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_entries.Count >= count)
                return Entries;
            _waiters.Add((count, reached));
        }

        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Expected {count} entries within {timeout}, saw {_entries.Count}.");
        }

        return Entries;
    }
}
