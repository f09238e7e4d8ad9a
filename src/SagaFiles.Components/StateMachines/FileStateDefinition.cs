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

    public FileStateDefinition(IOptions<EndpointOptions> options)
    {
        var settings = options.Value.For(EndpointOptions.Saga);
        Endpoint(e =>
        {
            e.Name = QueueName;
            if (settings.PrefetchCount is { } prefetch)
                e.PrefetchCount = prefetch;
        });
        if (settings.ConcurrentMessageLimit is { } limit)
            ConcurrentMessageLimit = limit;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<FileState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseDatabaseOutageRetry();
        endpointConfigurator.UseSagaConcurrencyRetry();
        endpointConfigurator.UseEntityFrameworkOutbox<SagaFilesDbContext>(context);
    }
}
