using MassTransit;

namespace SagaFiles.Transport.AmazonSqs.TestWorker;

/// <summary>Confirms each work item, naming the process that consumed it.</summary>
public sealed class WorkItemConsumer : IConsumer<WorkItem>
{
    public async Task Consume(ConsumeContext<WorkItem> context)
    {
        await context.Publish(new WorkItemDone(context.Message.Id, context.Message.Sequence, Environment.ProcessId));
    }
}
