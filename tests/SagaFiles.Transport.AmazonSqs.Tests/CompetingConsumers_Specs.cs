using SagaFiles.Testing;
using SagaFiles.Transport.AmazonSqs.TestWorker;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public sealed class WorkItemDoneConsumer(ConsumedLog<WorkItemDone> log) : IConsumer<WorkItemDone>
{
    public Task Consume(ConsumeContext<WorkItemDone> context)
    {
        log.Add(context.Message);
        return Task.CompletedTask;
    }
}

public class CompetingConsumers_Specs
{
    [Test]
    public async Task Messages_published_in_one_process_are_shared_by_consumer_processes_each_consumed_once()
    {
        const int count = 40;
        var scope = SqsBus.NewScope("competing");
        var serviceUrl = TestStackSetUpFixture.Stack.AwsServiceUrl;
        await using var first = await WorkerProcess.StartAsync(serviceUrl, scope, concurrency: 2);
        await using var second = await WorkerProcess.StartAsync(serviceUrl, scope, concurrency: 2);

        var done = new ConsumedLog<WorkItemDone>();
        await using var bus = await SqsBus.StartAsync(scope, x => x.AddConsumer<WorkItemDoneConsumer>(), services: s => s.AddSingleton(done));
        var items = Enumerable.Range(0, count).Select(i => new WorkItem(Guid.NewGuid(), i)).ToList();
        await Task.WhenAll(items.Select(item => bus.Bus.Publish(item)));

        var confirmations = await done.WaitFor(count, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2));

        done.Count.ShouldBe(count, "no work item is consumed twice");
        confirmations.Select(c => c.Id).ShouldBe(items.Select(i => i.Id), ignoreOrder: true);
        var byProcess = confirmations.GroupBy(c => c.ProcessId).ToDictionary(g => g.Key, g => g.Count());
        byProcess.Keys.ShouldBe([first.Id, second.Id], ignoreOrder: true, "both worker processes compete for the queue");
    }
}
