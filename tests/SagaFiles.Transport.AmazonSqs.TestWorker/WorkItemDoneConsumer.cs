using System.Collections.Concurrent;
using MassTransit;

namespace SagaFiles.Transport.AmazonSqs.TestWorker;

/// <summary>Counts confirmations (once per work item) for the throughput driver.</summary>
public sealed class WorkItemDoneConsumer(ConfirmationCounter counter) : IConsumer<WorkItemDone>
{
    public Task Consume(ConsumeContext<WorkItemDone> context)
    {
        counter.Confirm(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class ConfirmationCounter(int expected)
{
    readonly ConcurrentDictionary<Guid, int> _confirmed = new();
    readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task AllConfirmed => _all.Task;

    public IReadOnlyDictionary<int, int> ByProcess => _confirmed.Values.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());

    public void Confirm(WorkItemDone done)
    {
        if (_confirmed.TryAdd(done.Id, done.ProcessId) && _confirmed.Count >= expected)
            _all.TrySetResult();
    }
}
