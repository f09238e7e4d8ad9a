using System.Diagnostics;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Tracing_Specs
{
    [Test]
    public async Task One_trace_spans_the_publisher_and_the_consumer()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("MassTransit", StringComparison.Ordinal) || source.Name == nameof(Tracing_Specs),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource(nameof(Tracing_Specs));

        var log = new ConsumedLog<Consumed>();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("tracing"), x => x.AddConsumer<BillingConsumer>(),
            services: s => s.AddSingleton(log));

        string traceId;
        using (var activity = source.StartActivity("upload")!)
        {
            traceId = activity.TraceId.ToString();
            await bus.Bus.Publish(new OrderSubmitted(Guid.NewGuid(), 1));
        }

        var consumed = (await log.WaitFor(1, TimeSpan.FromSeconds(30))).Single();
        consumed.TraceId.ShouldBe(traceId);
    }
}
