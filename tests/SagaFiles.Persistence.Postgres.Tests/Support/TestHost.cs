using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Persistence.Postgres.Tests.Support;

/// <summary>A generic host with the sample DbContext and MassTransit on the in-memory transport, as a worker would be.</summary>
public sealed class TestHost : IAsyncDisposable
{
    readonly IHost _host;

    TestHost(IHost host, ReceiveCounter receives)
    {
        _host = host;
        Receives = receives;
    }

    public IServiceProvider Services => _host.Services;

    public IBus Bus => _host.Services.GetRequiredService<IBus>();

    /// <summary>Connected before the bus starts receiving.</summary>
    public ReceiveCounter Receives { get; }

    public static async Task<TestHost> StartAsync(string connectionString, Action<IBusRegistrationConfigurator> configureBus,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // MassTransit logs every retried conflict as a warning, EF Core every lost insert race as an error: expected here
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("MassTransit", LogLevel.Error)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Critical);
        builder.Services.AddSampleDbContext(connectionString);
        builder.Services.AddMassTransit(x =>
        {
            configureBus(x);
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        configureServices?.Invoke(builder.Services);

        var host = builder.Build();
        var receives = new ReceiveCounter();
        host.Services.GetRequiredService<IBusControl>().ConnectReceiveObserver(receives);

        await host.StartAsync();
        return new TestHost(host, receives);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
