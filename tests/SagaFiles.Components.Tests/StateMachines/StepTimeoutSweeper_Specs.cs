using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NUnit.Framework;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using SagaFiles.Contracts;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.Testing;
using Shouldly;

namespace SagaFiles.Components.Tests.StateMachines;

/// <summary>The step timeout sweeper on Postgres: which attempts a round reports, and that one worker sweeps at a time.</summary>
public class StepTimeoutSweeper_Specs
{
    static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    ServiceProvider _services = null!;
    ITestHarness _harness = null!;
    StepTimeoutSweeper _sweeper = null!;
    string _connectionString = null!;

    [SetUp]
    public async Task Start()
    {
        _connectionString = await TestStackSetUpFixture.Stack.CreateDatabaseAsync("step_timeouts");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseRegistration.ConnectionStringName}"] = _connectionString
        }).Build();
        _services = new ServiceCollection()
            .AddSagaFilesDatabase(configuration)
            .AddLogging()
            .AddSingleton<TimeProvider>(new FixedClock(Now))
            .AddSingleton(Options.Create(new FileSagaOptions()))
            .AddMassTransitTestHarness()
            .BuildServiceProvider();
        await _services.MigrateAsync<SagaFilesDbContext>();
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _sweeper = ActivatorUtilities.CreateInstance<StepTimeoutSweeper>(_services);
    }

    [TearDown]
    public async Task Stop()
    {
        _sweeper.Dispose();
        await _harness.Stop();
        await _services.DisposeAsync();
    }

    [Test]
    public async Task A_round_reports_every_running_attempt_past_its_deadline_once_and_nothing_else()
    {
        // More than one page of them; a retried convert; one running within its deadline; one finished (no deadline).
        var due = Enumerable.Range(0, 1201).Select(i => Running(FileSteps.Download, attempts: 1, deadline: Now.AddSeconds(-i % 7))).ToList();
        var retried = Running(FileSteps.Convert, attempts: 2, deadline: Now.AddMinutes(-1));
        var within = Running(FileSteps.Checksum, attempts: 1, deadline: Now.AddSeconds(1));
        var finished = Running(FileSteps.Download, attempts: 1, deadline: Now.AddMinutes(-20));
        finished.Fail("Invalid content.", Now.AddMinutes(-20));
        await SaveAsync([.. due, retried, within, finished]);

        (await _sweeper.SweepAsync(CancellationToken.None)).ShouldBe(1202);

        var reports = _harness.Published.Select<StepTimedOut>().Select(x => x.Context.Message).ToList();
        reports.Count.ShouldBe(1202);
        reports.Select(r => r.FileId).ShouldBe([.. due.Select(f => f.CorrelationId), retried.CorrelationId], ignoreOrder: true);
        reports.Single(r => r.FileId == retried.CorrelationId).ShouldSatisfyAllConditions(
            r => r.Step.ShouldBe(FileSteps.Convert),
            r => r.Attempt.ShouldBe(2));
    }

    [Test]
    public async Task A_round_that_finds_another_worker_sweeping_reports_nothing()
    {
        await SaveAsync([Running(FileSteps.Download, attempts: 1, deadline: Now.AddMinutes(-1))]);
        await using (var other = new NpgsqlConnection(_connectionString))
        {
            await other.OpenAsync();
            await using var transaction = await other.BeginTransactionAsync();
            await using var lockIt = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({StepTimeoutSweeper.SweepLock})", other, transaction);
            await lockIt.ExecuteNonQueryAsync();

            (await _sweeper.SweepAsync(CancellationToken.None)).ShouldBe(0);
        }

        (await _sweeper.SweepAsync(CancellationToken.None)).ShouldBe(1, "the other worker's round is over");
    }

    static FileState Running(string step, int attempts, DateTimeOffset deadline)
    {
        var fileId = Guid.NewGuid();
        var file = new FileState { CorrelationId = fileId, CurrentState = FileStates.Pending };
        file.Accept(new FileUploaded
        {
            FileId = fileId, Tenant = "acme", Bucket = "incoming", Key = $"uploads/{fileId}/data.csv", OriginalName = "data.csv",
            ContentType = "text/csv", Size = 42, UploadedAt = deadline.AddMinutes(-30)
        }, deadline.AddMinutes(-30));
        for (var attempt = 1; attempt <= attempts; attempt++)
            file.StartStep(step, deadline.AddMinutes(-15), deadline);
        file.CurrentState = FileSteps.Named(step).State;
        return file;
    }

    async Task SaveAsync(IEnumerable<FileState> files)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        db.Files.AddRange(files);
        await db.SaveChangesAsync();
    }

    sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
