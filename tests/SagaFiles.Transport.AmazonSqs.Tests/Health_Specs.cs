namespace SagaFiles.Transport.AmazonSqs.Tests;

public class Health_Specs
{
    [Test]
    public async Task An_endpoint_denied_access_to_its_queue_reports_unhealthy_with_the_reason_and_recovers_when_allowed_again()
    {
        var handler = new DenyingHandler();
        await using var bus = await SqsBus.StartAsync(SqsBus.NewScope("denied"), x => x.AddConsumer<BillingConsumer>(),
            (context, cfg) => cfg.ReceiveEndpoint("billing", e => e.ConfigureConsumer<BillingConsumer>(context)),
            s => s.AddSingleton(new ConsumedLog<Consumed>()), handler.SqsConfig());
        Billing(bus).Status.ShouldBe(BusHealthStatus.Healthy);

        handler.DenyReceive = true;
        var unhealthy = await WaitFor(bus, BusHealthStatus.Unhealthy);
        unhealthy.Description.ShouldNotBeNull().ShouldContain("not authorized to perform: sqs:receivemessage");
        bus.Bus.CheckHealth().Status.ShouldNotBe(BusHealthStatus.Healthy);

        handler.DenyReceive = false;
        await WaitFor(bus, BusHealthStatus.Healthy);
    }

    static EndpointHealthResult Billing(SqsBus bus) =>
        bus.Bus.CheckHealth().Endpoints.Single(e => e.Key.EndsWith("/billing", StringComparison.Ordinal)).Value;

    static async Task<EndpointHealthResult> WaitFor(SqsBus bus, BusHealthStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Billing(bus) is var result && result.Status != status)
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The billing endpoint stayed {result.Status} ({result.Description}), expected {status}");
            await Task.Delay(100);
        }

        return Billing(bus);
    }
}
