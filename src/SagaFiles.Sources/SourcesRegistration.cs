using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Consumers;
using SagaFiles.Intake;
using SagaFiles.Sources.Folders;

namespace SagaFiles.Sources;

public static class SourcesRegistration
{
    /// <summary>
    /// The watched folders of <c>Sources:Folders</c> (validated at start-up), each run by a hosted service. Needs what
    /// <see cref="FileIntake" /> needs (the database, its bus outbox, storage) and <see cref="OutputManifests" />.
    /// </summary>
    public static IServiceCollection AddFolderSources(this IServiceCollection services)
    {
        services.AddFileIntake();
        services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>();
        services.AddScoped<FolderLedger>();
        services.AddHostedService<FolderSourcesService>();
        return services;
    }
}
