using MassTransit.InMemoryTransport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Consumers;
using SagaFiles.Contracts;
using SagaFiles.Storage;
using SagaFiles.Testing;
using Shouldly;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.Support;

/// <summary>
/// The four step consumers, registered as the worker registers them, on MassTransit's in-memory test harness, with
/// their storage on the emulator's real S3 API. Commands go to the step queues by name, as the saga sends them.
/// </summary>
public sealed class StepHarness : IAsyncDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    readonly ServiceProvider _provider;
    readonly PublishedMessages _published = new();
    readonly ConnectHandle _observer;

    StepHarness(ServiceProvider provider, CapturedLogs logs)
    {
        Logs = logs;
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
        _observer = Harness.Bus.ConnectPublishObserver(_published);
    }

    public ITestHarness Harness { get; }

    /// <summary>Everything the consumers and MassTransit logged.</summary>
    public CapturedLogs Logs { get; }

    /// <param name="storage">The buckets and store the consumers use.</param>
    /// <param name="store">Another store in front of <paramref name="storage" />'s, to inject failures.</param>
    /// <param name="settings">Configuration the consumers read (<c>Processing:MaxStepDuration</c>, say).</param>
    public static async Task<StepHarness> StartAsync(TestStorage storage, IObjectStore? store = null, IDictionary<string, string?>? settings = null)
    {
        var logs = new CapturedLogs();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).AddProvider(logs).SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(store ?? storage.Store)
            .AddSingleton(Options.Create(storage.Options))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build())
            .AddMassTransitTestHarness(x =>
            {
                x.SetKebabCaseEndpointNameFormatter();
                x.AddSagaFilesConsumers();
            })
            .BuildServiceProvider(validateScopes: true);
        var harness = new StepHarness(provider, logs);
        await harness.Harness.Start();
        return harness;
    }

    /// <summary>Sends <paramref name="command" /> to <paramref name="step" />'s queue and returns the completion it publishes.</summary>
    public async Task<TCompleted> RunAsync<TCompleted>(string step, StepCommand command)
        where TCompleted : StepCompleted
    {
        await Send(step, command);
        var completed = await _published.WaitFor<TCompleted>(m => m.FileId == command.FileId && m.Attempt == command.Attempt, Timeout);
        // A fault for the same command would mean the step also failed.
        _published.Snapshot().OfType<Fault>().ShouldBeEmpty();
        return completed;
    }

    /// <summary>Sends <paramref name="command" /> and returns the fault it ends in, after checking it was not retried.</summary>
    public async Task<Fault<TCommand>> FaultAsync<TCommand>(string step, TCommand command)
        where TCommand : StepCommand
    {
        var (fault, retries) = await FaultAfterRetriesAsync(step, command);
        retries.ShouldBe(0, "a permanent error faults at once");
        return fault;
    }

    /// <summary>Sends <paramref name="command" /> and returns the fault it ends in and how often it was retried first.</summary>
    public async Task<(Fault<TCommand> Fault, int Retries)> FaultAfterRetriesAsync<TCommand>(string step, TCommand command)
        where TCommand : StepCommand
    {
        await Send(step, command);
        // Delayed redeliveries wait on the harness's clock: move it on while the fault is awaited.
        using var faulted = new CancellationTokenSource();
        var delay = _provider.GetRequiredService<IInMemoryDelayProvider>();
        var clock = Task.Run(async () =>
        {
            while (!faulted.IsCancellationRequested)
            {
                await delay.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);
        try
        {
            var fault = await _published.WaitFor<Fault<TCommand>>(
                m => m.Message.FileId == command.FileId && m.Message.Attempt == command.Attempt, Timeout);
            return (fault, _published.RetriesBefore(fault));
        }
        finally
        {
            await faulted.CancelAsync();
            await clock;
        }
    }

    async Task Send(string step, StepCommand command)
    {
        var send = await Harness.Bus.GetSendEndpoint(FileSteps.Named(step).Address);
        await send.Send(command, command.GetType());
    }

    public async ValueTask DisposeAsync()
    {
        _observer.Disconnect();
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
