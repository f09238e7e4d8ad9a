using SagaFiles.Components.Consumers;
using System.Text.Json.Serialization;
using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Components.Metrics;
using SagaFiles.Intake;
using SagaFiles.Sources;
using SagaFiles.Api.Security;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.ServiceDefaults;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace SagaFiles.Api;

public static class ApiExtensions
{
    /// <summary>
    /// The API's requests each hold a connection for a statement or a short transaction, so twice the cores serve them
    /// all; without a cap a burst of uploads opened a Postgres backend for nearly every request in flight (11-15 for 16
    /// at a time), each paying its start-up and statement preparation (docs/benchmarks.md, 2026-12-04 morning).
    /// The connection string's own <c>Maximum Pool Size</c> wins.
    /// </summary>
    static readonly int MaxPoolSize = Math.Max(4, 2 * Environment.ProcessorCount);

    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSagaFilesDatabase(builder.Configuration, MaxPoolSize);
        builder.AddPostgresReadiness<SagaFilesDbContext>();
        // The views and the redrive read the steps' names, states and queues: a step described twice stops the API too.
        builder.Services.AddHostedService(_ => new StepModelCheck(FileSteps.All, machine: null));
        // A deployment whose migration job runs `SagaFiles.Api migrate` turns this off (Database__MigrateOnStart=false).
        if (builder.Configuration.GetValue("Database:MigrateOnStart", defaultValue: true))
            builder.Services.AddMigrationHostedService<SagaFilesDbContext>();
        builder.AddSagaFilesStorage();
        builder.Services.AddHostedService<EnsureBucketsOnStart>();
        // A file's results listed by manifest are read from it to answer GET /files/{id} and its downloads.
        builder.Services.AddSingleton<OutputManifests>();
        // The intake starts each file's download (FileSagaStart): a send to the step's queue, which keeps what arrives before
        // the first worker ever started (the send creates the queue if no worker has yet).
        builder.AddSagaFilesMessaging(x => x.AddSagaFilesOutbox());
        builder.Services.AddResumableUploads();
        // Watched folders (Sources:Folders) and S3 bucket sources (Sources:Buckets): their ledgers keep several instances
        // from taking a file twice.
        builder.Services.AddSources(HealthExtensions.ReadyTag);
        // One LISTEN connection per instance feeds every progress stream it serves.
        builder.Services.AddSingleton<Features.Files.Progress.FileChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Features.Files.Progress.FileChanges>());
        builder.Services.AddHostedService<Features.Files.Progress.FileEventCleanup>();
        builder.Services.AddSingleton<FileEventSequencer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<FileEventSequencer>());
        // The gauges of the database and the queues are the same whoever reads them: the API does, the workers do not.
        builder.Services.AddFileGauges();
        builder.Services.AddQueueGauges(services => services.GetRequiredService<IOptions<MetricsOptions>>().Value.RefreshInterval);
        builder.AddApiSecurity();
        builder.AddRateLimits();
        builder.Services.AddFastEndpoints();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiBearerScheme>());
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        // The dashboard (wwwroot) is open to anyone: it holds no data, and every call it makes sends the user's key.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRequestAudit();
        // Kestrel's upgrade to a WebSocket (/ws), with the feed's keep-alive as its ping interval.
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseCallerLogContext();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseFastEndpoints(c =>
        {
            c.Errors.UseProblemDetails();
            c.Serializer.Options.Converters.Add(new JsonStringEnumConverter());
        });
        app.MapMetrics().RequireAuthorization(ApiScopes.Admin).WithMetadata(LoopbackScrapes.Allowed);
        var docs = new[] { app.MapOpenApi(), app.MapScalarApiReference("/docs") };
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.AnonymousDocs ?? app.Environment.IsDevelopment())
            foreach (var endpoints in docs)
                endpoints.AllowAnonymous();
        return app;
    }
}
