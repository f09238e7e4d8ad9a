using SagaFiles.Components.Consumers;
using SagaFiles.Components.Data;
using SagaFiles.ServiceDefaults;

namespace SagaFiles.Worker;

public static class WorkerExtensions
{
    /// <summary>The worker hosts the file saga and the step consumers; start as many processes as the load needs.</summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
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
