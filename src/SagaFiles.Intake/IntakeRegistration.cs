using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Intake;

public static class IntakeRegistration
{
    /// <summary>
    /// <see cref="FileIntake" />, scoped, and the <see cref="FileSagaStart" /> it records files with. Needs the database
    /// (AddSagaFilesDatabase, which also binds the saga's settings), its bus outbox (AddSagaFilesOutbox), storage
    /// (AddSagaFilesStorage) and a <see cref="TimeProvider" />.
    /// </summary>
    public static IServiceCollection AddFileIntake(this IServiceCollection services)
    {
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
