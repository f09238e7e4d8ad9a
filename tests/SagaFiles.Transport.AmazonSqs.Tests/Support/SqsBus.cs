using Amazon.SQS;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Testing;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>
/// A real MassTransit bus on our SQS/SNS transport against the emulator, built the way a host builds it
/// (AddMassTransit + UsingAmazonSqs + ConfigureEndpoints). Each test passes its own scope so its queues and topics are its own.
/// </summary>
public sealed class SqsBus : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    SqsBus(ServiceProvider provider)
    {
        _provider = provider;
        Bus = provider.GetRequiredService<IBusControl>();
    }

    public IBusControl Bus { get; }

    public IServiceProvider Services => _provider;

    public static async Task<SqsBus> StartAsync(string scope, Action<IBusRegistrationConfigurator>? register = null,
        Action<IBusRegistrationContext, IAmazonSqsBusFactoryConfigurator>? configure = null, Action<IServiceCollection>? services = null,
        AmazonSQSConfig? sqsConfig = null, int waitTimeSeconds = 2, TimeSpan? failedMessageRetention = null,
        Action<IAmazonSqsHostConfigurator>? host = null)
    {
        var stack = TestStackSetUpFixture.Stack;
        // MassTransit keeps its log context in an AsyncLocal: one left by an earlier bus in this test would point at a disposed container.
        LogContext.Current = null;
        var collection = new ServiceCollection();
        // Warnings and errors from the bus show in the test output (SAGAFILES_TEST_LOG=Debug for more).
        collection.AddLogging(logging => logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("SAGAFILES_TEST_LOG"), out var level) ? level : LogLevel.Warning));
        services?.Invoke(collection);
        collection.AddMassTransit(x =>
        {
            register?.Invoke(x);
            x.UsingAmazonSqs((context, cfg) =>
            {
                cfg.Host(stack.Region, h =>
                {
                    h.ServiceUrl(stack.AwsServiceUrl);
                    h.Credentials(stack.Credentials);
                    h.Scope(scope);
                    // Short long-polls by default: a message handed back at a stop stays hidden until the polls the stop
                    // cancelled have ended, and this suite stops and restarts buses on the same queues often.
                    h.WaitTimeSeconds(waitTimeSeconds);
                    if (sqsConfig != null)
                        h.Config(sqsConfig);
                    if (failedMessageRetention is { } retention)
                        h.FailedMessageRetention(retention);
                    host?.Invoke(h);
                });
                configure?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });

        var provider = collection.BuildServiceProvider();
        var bus = new SqsBus(provider);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bus.Bus.StartAsync(timeout.Token);
        return bus;
    }

    /// <summary>A scope unique to one test: letters and digits only, short enough to leave room for queue names.</summary>
    public static string NewScope(string test) => $"{new string(test.Where(char.IsLetterOrDigit).Take(12).ToArray())}{Guid.NewGuid():N}"[..24];

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Bus.StopAsync(timeout.Token);
        await _provider.DisposeAsync();
    }
}
