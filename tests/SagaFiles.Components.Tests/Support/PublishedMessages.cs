using MassTransit;

namespace SagaFiles.Components.Tests.Support;

/// <summary>
/// Every message published on a bus, waited for by content. The harness's own lists stop waiting once the bus has
/// been idle for its inactivity timeout, which the S3 calls between steps easily exceed.
/// </summary>
public sealed class PublishedMessages : IPublishObserver
{
    readonly List<object> _messages = [];
    readonly Dictionary<object, int> _faultRetryCounts = new(ReferenceEqualityComparer.Instance);
    TaskCompletionSource _added = NewSignal();

    public async Task<T> WaitFor<T>(Func<T, bool> match, TimeSpan timeout)
        where T : class
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            Task added;
            lock (_messages)
            {
                if (_messages.OfType<T>().FirstOrDefault(match) is { } found)
                    return found;
                added = _added.Task;
            }

            try
            {
                await added.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {typeof(T).Name} was published within {timeout}; published: " +
                    string.Join(", ", Snapshot().Select(m => m.GetType().Name)));
            }
        }
    }

    /// <summary>How many times the consumer was retried before <paramref name="fault" /> was published.</summary>
    public int RetriesBefore(Fault fault)
    {
        lock (_messages)
            return _faultRetryCounts.GetValueOrDefault(fault);
    }

    public IReadOnlyList<object> Snapshot()
    {
        lock (_messages)
            return _messages.ToList();
    }

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        lock (_messages)
        {
            _messages.Add(context.Message);
            if (context.Headers.Get<int>(MessageHeaders.FaultRetryCount) is { } retries)
                _faultRetryCounts[context.Message] = retries;
            var added = _added;
            _added = NewSignal();
            added.SetResult();
        }

        return Task.CompletedTask;
    }

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
