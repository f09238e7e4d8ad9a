using System.Text.Json.Serialization;
using FastEndpoints;
using SagaFiles.Components.Data;
using SagaFiles.Persistence.Postgres.Migrations;
using SagaFiles.ServiceDefaults;
using Scalar.AspNetCore;

namespace SagaFiles.Api;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSagaFilesDatabase(builder.Configuration);
        builder.Services.AddMigrationHostedService<SagaFilesDbContext>();
        builder.AddSagaFilesStorage();
        builder.Services.AddHostedService<EnsureBucketsOnStart>();
        builder.AddSagaFilesMessaging(x => x.AddSagaFilesOutbox());
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
