using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SagaFiles.Transport.AmazonSqs.TestWorker;

// Usage:
//   TestWorker <service-url> <scope> [concurrency]      consume WorkItem from the "WorkItem" queue until stdin closes
//   TestWorker drive <service-url> <scope> <count>      publish <count> work items, wait for every confirmation, print the rate
if (args is ["drive", var driveUrl, var driveScope, var countText])
    return await Drive(new Uri(driveUrl), driveScope, int.Parse(countText));

if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: TestWorker <service-url> <scope> [concurrency] | TestWorker drive <service-url> <scope> <count>");
    return 2;
}

var concurrency = args.Length > 2 ? int.Parse(args[2]) : 10;
using (var host = CreateHost(new Uri(args[0]), args[1], x => x.AddConsumer<WorkItemConsumer>().Endpoint(e =>
       {
           e.ConcurrentMessageLimit = concurrency;
           e.PrefetchCount = concurrency * 2;
       })))
{
    await host.StartAsync();
    await Console.Out.WriteLineAsync("ready");

    // The parent closes stdin to ask for a graceful stop; a crash or SIGKILL needs nothing from us.
    await Task.Run(() => Console.In.ReadToEnd());
    await host.StopAsync();
}

return 0;

static async Task<int> Drive(Uri serviceUrl, string scope, int count)
{
    var confirmations = new ConfirmationCounter(count);
    using var host = CreateHost(serviceUrl, scope, x => x.AddConsumer<WorkItemDoneConsumer>().Endpoint(e =>
    {
        e.ConcurrentMessageLimit = 20;
        e.PrefetchCount = 40;
    }), services => services.AddSingleton(confirmations));
    await host.StartAsync();
    var bus = host.Services.GetRequiredService<IBus>();

    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
        async (i, ct) => await bus.Publish(new WorkItem(Guid.NewGuid(), i), ct));
    var published = clock.Elapsed;
    await confirmations.AllConfirmed.WaitAsync(TimeSpan.FromMinutes(5));
    var total = clock.Elapsed;

    await Console.Out.WriteLineAsync(
        $"{count} messages: published in {published.TotalSeconds:F2} s, all consumed and confirmed in {total.TotalSeconds:F2} s = "
        + $"{count / total.TotalSeconds:F0} msg/s end to end; by consumer process: "
        + string.Join(", ", confirmations.ByProcess.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
    await host.StopAsync();
    return 0;
}

static IHost CreateHost(Uri serviceUrl, string scope, Action<IBusRegistrationConfigurator> register, Action<IServiceCollection>? services = null)
{
    var builder = Host.CreateApplicationBuilder();
    services?.Invoke(builder.Services);
    builder.Services.AddMassTransit(x =>
    {
        register(x);
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
    return builder.Build();
}
