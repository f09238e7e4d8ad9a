using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaFiles.Transport.AmazonSqs.TestWorker;

// Usage: TestWorker <service-url> <scope> [concurrency]
// Consumes WorkItem from the "WorkItem" queue until stdin closes or SIGTERM; prints "ready" once the bus runs.
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: TestWorker <service-url> <scope> [concurrency]");
    return 2;
}

var serviceUrl = new Uri(args[0]);
var scope = args[1];
var concurrency = args.Length > 2 ? int.Parse(args[2]) : 10;

var builder = Host.CreateApplicationBuilder();
builder.Services.AddMassTransit(x =>
{
    x.AddConsumer<WorkItemConsumer>().Endpoint(e => e.ConcurrentMessageLimit = concurrency);
    x.UsingAmazonSqs((context, cfg) =>
    {
        cfg.Host("us-east-1", h =>
        {
            h.ServiceUrl(serviceUrl);
            h.AccessKey("test");
            h.SecretKey("test");
            h.Scope(scope);
            h.WaitTimeSeconds(2);
        });
        cfg.ConfigureEndpoints(context);
    });
});

using var host = builder.Build();
await host.StartAsync();
await Console.Out.WriteLineAsync("ready");

// The parent closes stdin to ask for a graceful stop; a crash or SIGKILL needs nothing from us.
await Task.Run(() => Console.In.ReadToEnd());
await host.StopAsync();
return 0;
