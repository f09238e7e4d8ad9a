using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Components.Steps;
using SagaFiles.Persistence.Postgres;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// The file saga's endpoint: a consume that found the database away (restart, failover) waits for it, a consume that
/// lost an optimistic-concurrency race is retried against the fresh row, and the inbox/outbox makes each message count once and commits the saga's changes with the commands it sends.
/// </summary>
public sealed class FileStateDefinition : SagaDefinition<FileState>
{
    /// <summary>The saga's queue.</summary>
    public const string QueueName = "file-saga";

    /// <summary>
    /// Saga consumes at once per worker unless <c>Steps:Saga:ConcurrentMessageLimit</c> says otherwise. Each is a short
    /// Postgres transaction, so a few per core keep the cores busy; more only open more connections, each a backend that
    /// Postgres starts and plans for (the transport's default was 16 on two cores: docs/benchmarks.md, 2026-12-04).
    /// </summary>
    static int DefaultConcurrentMessageLimit => 4 * Environment.ProcessorCount;

    public FileStateDefinition(IOptions<EndpointOptions> options)
    {
        var settings = options.Value.For(EndpointOptions.Saga);
        Endpoint(e =>
        {
            e.Name = QueueName;
            if (settings.PrefetchCount is { } prefetch)
                e.PrefetchCount = prefetch;
        });
        ConcurrentMessageLimit = settings.ConcurrentMessageLimit ?? DefaultConcurrentMessageLimit;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<FileState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseDatabaseOutageRetry();
        endpointConfigurator.UseSagaConcurrencyRetry();
        endpointConfigurator.UseEntityFrameworkOutbox<SagaFilesDbContext>(context);
    }
}
