using MassTransit;
using MassTransit.InMemoryTransport;
using Microsoft.Extensions.Options;
using MassTransit.Events;
using MassTransit.Metadata;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;
using Shouldly;

namespace SagaFiles.Components.Tests.StateMachines;

/// <summary>The file saga on MassTransit's in-memory test harness, started for each test, with helpers to drive it.</summary>
public abstract class FileSagaSpec
{
    protected static readonly FileSagaOptions Settings = new()
    {
        MaxAttempts = 3,
        FirstRetryDelay = TimeSpan.FromMinutes(5),
        StepTimeout = TimeSpan.FromMinutes(15)
    };

    protected ServiceProvider _provider = null!;
    protected ITestHarness _harness = null!;
    protected IInMemoryDelayProvider _delay = null!;
    readonly ManualClock _clock = new();
    protected ISagaStateMachineTestHarness<FileStateMachine, FileState> _saga = null!;
    protected FileStateMachine _machine = null!;

    [SetUp]
    public async Task Start()
    {
        _provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton(Options.Create(Settings))
            .AddMassTransitTestHarness(x => x.AddSagaStateMachine<FileStateMachine, FileState>().InMemoryRepository())
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        _delay = _provider.GetRequiredService<IInMemoryDelayProvider>();
        await _harness.Start();
        _saga = _harness.GetSagaStateMachineHarness<FileStateMachine, FileState>();
        _machine = _saga.StateMachine;
    }

    [TearDown]
    public async Task Stop()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    /// <summary>
    /// Moves the saga's clock and the in-memory scheduler's on together, delivering what falls due; then reports the
    /// attempts past their deadline, as the workers' <see cref="StepTimeoutSweeper" /> does.
    /// </summary>
    protected async Task Advance(TimeSpan by)
    {
        _clock.Advance(by);
        await _delay.Advance(by);
        await _harness.InactivityTask;
        var now = _clock.GetUtcNow();
        foreach (var file in _saga.Sagas.Select(x => x.StepTimeoutAt <= now).Select(x => x.Saga).ToList())
            await _harness.Bus.Publish(new StepTimedOut { FileId = file.CorrelationId, Step = file.CurrentStep!, Attempt = file.Attempt });
    }

    /// <summary>The system clock plus however far a spec has moved it on.</summary>
    sealed class ManualClock : TimeProvider
    {
        TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }

    /// <summary>Waits until the saga's scheduled message is with the delayed scheduler, so moving the clock on delivers it.</summary>
    protected async Task Scheduled<T>(Func<T, bool> match)
        where T : class
    {
        (await _harness.Sent.Any<T>(x => match(x.Context.Message))).ShouldBeTrue($"{typeof(T).Name} was not scheduled");
        await _harness.InactivityTask;
    }

    protected Task PublishFault<T>(T command, Exception exception)
        where T : class =>
        _harness.Bus.Publish<Fault<T>>(new FaultEvent<T>(command, Guid.NewGuid(), HostMetadataCache.Host, exception, [typeof(T).FullName!]));

    protected async Task<FileState> Settled(Guid fileId, Func<FileState, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var file = _saga.Sagas.Contains(fileId);
            if (file != null && condition(file))
                return file;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"File {fileId} did not reach the expected state.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the saga consumed a message that matches (the harness's own wait ends at its first inactivity).</summary>
    protected async Task Consumed<T>(Func<T, bool> match)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_saga.Consumed.Select<T>(x => match(x.Context.Message)).Any())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The saga did not consume the {typeof(T).Name}");
            await Task.Delay(20);
        }
    }

    /// <summary>The command of one attempt, or null when it was not sent within <paramref name="wait" />.</summary>
    protected async Task<T?> Sent<T>(Guid fileId, int attempt, TimeSpan? wait = null)
        where T : StepCommand
    {
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var sent = _harness.Sent.Select<T>(x => x.Context.Message.FileId == fileId && x.Context.Message.Attempt == attempt).FirstOrDefault();
            if (sent != null)
                return sent.Context.Message;
            await Task.Delay(20);
        }

        if (wait == null)
            Assert.Fail($"{typeof(T).Name} attempt {attempt} was not sent");
        return null;
    }

    protected async Task<T> Sent<T>(Guid fileId)
        where T : StepCommand
    {
        (await _harness.Sent.Any<T>(x => x.Context.Message.FileId == fileId)).ShouldBeTrue($"{typeof(T).Name} was not sent");
        return _harness.Sent.Select<T>(x => x.Context.Message.FileId == fileId).Last().Context.Message;
    }

    protected static FileUploaded Uploaded(Guid fileId) => new()
    {
        FileId = fileId,
        Tenant = "acme",
        Bucket = "incoming",
        Key = $"uploads/{fileId}/data.csv",
        OriginalName = "data.csv",
        ContentType = "text/csv",
        Size = 42,
        UploadedAt = DateTimeOffset.UtcNow
    };

    protected static FileDownloaded Downloaded(Guid fileId, int attempt) => new()
    {
        FileId = fileId, Attempt = attempt, WorkerHost = "w", Duration = TimeSpan.FromMilliseconds(1), StagingBucket = "staging",
        StagingKey = $"staging/{fileId}/original", Size = 42, DetectedType = "Csv", MediaType = "text/csv"
    };
}
