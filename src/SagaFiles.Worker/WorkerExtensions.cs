using SagaFiles.ServiceDefaults;

namespace SagaFiles.Worker;

public static class WorkerExtensions
{
    /// <summary>The worker hosts the saga and the step consumers; start as many processes as the load needs.</summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddSagaFilesMessaging(_ => { });
        return builder;
    }
}
