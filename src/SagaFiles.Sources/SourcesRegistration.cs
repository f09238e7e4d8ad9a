using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Consumers;
using SagaFiles.Intake;
using SagaFiles.Sources.Buckets;
using SagaFiles.Sources.Folders;

namespace SagaFiles.Sources;

public static class SourcesRegistration
{
    /// <summary>
    /// The watched folders of <c>Sources:Folders</c> and the S3 bucket sources of <c>Sources:Buckets</c> (validated at
    /// start-up), each run by a hosted service, and the bucket sources' readiness check (<c>bucket-sources</c>, tagged
    /// <paramref name="readyTags" />). Needs what <see cref="FileIntake" /> needs (the database, its bus outbox, storage),
    /// <see cref="OutputManifests" />, and an IAmazonS3 and IAmazonSQS for the bucket sources.
    /// </summary>
    public static IServiceCollection AddSources(this IServiceCollection services, params string[] readyTags)
    {
        services.AddFileIntake();
        services.AddOptions<SourcesOptions>().BindConfiguration(SourcesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesOptionsValidator>();
        services.AddScoped<FolderLedger>();
        services.AddHostedService<FolderSourcesService>();
        services.AddScoped<BucketLedger>();
        services.AddSingleton<BucketSourceHealth>();
        services.AddHostedService<BucketSourcesService>();
        services.AddHealthChecks().AddCheck<BucketSourceHealth>("bucket-sources", tags: readyTags);
        return services;
    }
}
