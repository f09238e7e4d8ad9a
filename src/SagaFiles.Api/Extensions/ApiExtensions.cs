using System.Text.Json.Serialization;
using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Contracts;
using SagaFiles.Intake;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.ServiceDefaults;
using Scalar.AspNetCore;

namespace SagaFiles.Api;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
        builder.AddPostgresReadiness<SagaFilesDbContext>();
        builder.Services.AddMigrationHostedService<SagaFilesDbContext>();
        builder.AddSagaFilesStorage();
        builder.Services.AddHostedService<EnsureBucketsOnStart>();
        // The API publishes FileUploaded; declaring the saga's subscription keeps uploads made before the first worker
        // ever started waiting in its queue rather than dropped by a topic nobody subscribes to yet.
        builder.AddSagaFilesMessaging(x => x.AddSagaFilesOutbox(),
            transport => transport.DeclareSubscription<FileUploaded>(FileStateDefinition.QueueName));
        builder.Services.AddFileIntake();
        builder.Services.AddFastEndpoints();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseFastEndpoints(c =>
        {
            c.Errors.UseProblemDetails();
            c.Serializer.Options.Converters.Add(new JsonStringEnumConverter());
        });
        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        return app;
    }
}
