using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Intake;

public static class IntakeRegistration
{
    /// <summary>
    /// <see cref="FileIntake" />, scoped, and the <see cref="FileSagaStart" /> it records files with, which reads the saga's
    /// settings (section <c>FileSaga</c>: the first attempt's deadline). Needs the database (AddSagaFilesDatabase), its bus
    /// outbox (AddSagaFilesOutbox), storage (AddSagaFilesStorage) and a <see cref="TimeProvider" />.
    /// </summary>
    public static IServiceCollection AddFileIntake(this IServiceCollection services)
    {
        services.AddFileSagaOptions();
        services.TryAddSingleton<FileSagaStart>();
        services.TryAddScoped<FileIntake>();
        return services;
    }

    /// <summary>
    /// <see cref="ResumableUploads" /> (scoped, with <see cref="FileIntake" />), its validated <see cref="UploadOptions" />
    /// (section <c>Uploads</c>) and the background service that aborts expired uploads. Needs an <c>IMultipartStore</c> too.
    /// </summary>
    public static IServiceCollection AddResumableUploads(this IServiceCollection services)
    {
        services.AddFileIntake();
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddScoped<ResumableUploads>();
        services.AddHostedService<ExpiredUploadsService>();
        return services;
    }
}
