// One racer of TwoProcessRace_Specs: publishes N CounterIncremented for one counter into its own in-memory bus, whose
// saga endpoint updates the shared Postgres row. Protocol on stdout/stdin: prints "ready" once the bus runs, waits
// for a line on stdin (the start signal, so both racers publish at the same moment), prints "done retries=R faults=F".
// Exit code 0 when all N were consumed without a fault.
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SagaFiles.Persistence.Postgres.Tests.Sample;
using SagaFiles.Persistence.Postgres.Tests.Support;

if (args.Length != 3 || !Guid.TryParse(args[1], out var counterId) || !int.TryParse(args[2], out var count))
{
    Console.Error.WriteLine("usage: RaceDriver <connection string> <counter id> <event count>");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSampleDbContext(args[0]);
builder.Services.AddMassTransit(x =>
{
    x.AddCounterSaga(new CounterEndpointOptions(UseOutbox: true, ConcurrentMessageLimit: 8));
    x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
});

using var host = builder.Build();
var receives = new ReceiveCounter();
host.Services.GetRequiredService<IBusControl>().ConnectReceiveObserver(receives);
await host.StartAsync();

Console.WriteLine("ready");
await Console.In.ReadLineAsync();

var bus = host.Services.GetRequiredService<IBus>();
await Task.WhenAll(Enumerable.Range(0, count).Select(_ => bus.Publish(new CounterIncremented(counterId))));

var exitCode = 0;
try
{
    await receives.WaitForReceives(count, TimeSpan.FromMinutes(2));
}
catch (TimeoutException exception)
{
    Console.Error.WriteLine(exception.Message);
    exitCode = 1;
}

var probe = host.Services.GetRequiredService<ContentionProbe>();
Console.WriteLine($"done retries={probe.Retries} faults={receives.ConsumeFaults.Count}");
if (receives.ConsumeFaults.Count > 0)
{
    Console.Error.WriteLine(receives.ConsumeFaults.First());
    exitCode = 1;
}

await host.StopAsync();
return exitCode;
