using SagaFiles.Components.Consumers;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.ServiceDefaults;

namespace SagaFiles.Worker;

public static class WorkerExtensions
{
    /// <summary>The worker hosts the file saga and the step consumers; start as many processes as the load needs.</summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        // As many connections kept open as the saga consumes messages at once by default (a connection string's own Minimum
        // Pool Size wins), opened before the bus starts: registered before it.
        builder.Services.AddSagaFilesDatabase(builder.Configuration, minPoolSize: FileStateDefinition.DefaultConcurrentMessageLimit);
        builder.Services.AddHostedService<ConnectionPoolWarmUp>();
        builder.AddPostgresReadiness<SagaFilesDbContext>();
        builder.AddSagaFilesStorage();
        builder.AddSagaFilesMessaging(x =>
        {
            x.AddSagaFilesOutbox();
            x.AddFileSaga();
            x.AddSagaFilesConsumers();
        });
        return builder;
    }
}
