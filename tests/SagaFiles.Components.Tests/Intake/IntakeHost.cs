using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Tests.Support;
using SagaFiles.Intake;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.Storage;
using SagaFiles.Testing;

namespace SagaFiles.Components.Tests.Intake;

/// <summary>
/// <see cref="FileIntake" /> as a host runs it: its own migrated database on the test stack's Postgres, buckets of its own
/// in the emulator's S3, and the bus outbox with its delivery service off, so what a submission sent stays in the
/// outbox table to be read.
/// </summary>
public sealed class IntakeHost : IAsyncDisposable
{
    readonly IHost _host;

    IntakeHost(IHost host, TestStorage storage)
    {
        _host = host;
        Storage = storage;
    }

    public TestStorage Storage { get; }

    public string IncomingBucket => Storage.Options.IncomingBucket;

    /// <summary>The saga's step timeout in this host's settings, which the intake gives a file's first attempt.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(7);

    public static async Task<IntakeHost> StartAsync(long maxUploadBytes)
    {
        var storage = await TestStorage.CreateAsync();
        storage.Options.MaxUploadBytes = maxUploadBytes;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseRegistration.ConnectionStringName}"] = await TestStackSetUpFixture.Stack.CreateDatabaseAsync("intake"),
            [$"{FileSagaOptions.Section}:{nameof(FileSagaOptions.StepTimeout)}"] = StepTimeout.ToString()
        });
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
        builder.Services.AddMigrationHostedService<SagaFilesDbContext>();
        builder.Services.AddSingleton<IObjectStore>(storage.Store);
        builder.Services.AddSingleton(Options.Create(storage.Options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMassTransit(x =>
        {
            x.AddEntityFrameworkOutbox<SagaFilesDbContext>(o =>
            {
                o.UsePostgres();
                o.DisableInboxCleanupService();
                o.UseBusOutbox(b => b.DisableDeliveryService());
            });
            x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        builder.Services.AddFileIntake();

        var host = builder.Build();
        await host.StartAsync();
        return new IntakeHost(host, storage);
    }

    /// <summary>Submits in a scope of its own, as one request (or one file of a hosted door) would.</summary>
    public async Task<IntakeResult> SubmitAsync(IntakeRequest request)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FileIntake>().SubmitAsync(request);
    }

    public async Task<IntakeResult> StoreAsync(IntakeRequest request)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FileIntake>().StoreAsync(request);
    }

    /// <summary>Runs <paramref name="query" /> on a fresh database context.</summary>
    public async Task<T> QueryAsync<T>(Func<SagaFilesDbContext, Task<T>> query)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>());
    }

    /// <summary>The DownloadFile commands waiting in the outbox for <paramref name="fileId" />.</summary>
    public Task<int> StartedDownloadsAsync(Guid fileId) =>
        QueryAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.MessageType.Contains("DownloadFile") && m.Body.Contains(fileId.ToString())));

    /// <summary>Every object in the incoming bucket under <paramref name="prefix" />.</summary>
    public Task<List<string>> IncomingKeysAsync(string prefix = "") => Storage.KeysAsync(IncomingBucket, prefix);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
        Storage.Dispose();
    }
}
