using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace SagaFiles.ServiceDefaults;

/// <summary>What every SagaFiles host has: structured logs, traces and metrics, health checks (<see cref="HealthExtensions" />).</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var application = builder.Environment.ApplicationName;
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", application);
            // JSON lines for machines everywhere but a developer's terminal.
            if (builder.Environment.IsDevelopment())
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");
            else
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
        });

        // Metrics always: every host answers GET /metrics (MetricsExtensions). Traces only where they go somewhere:
        // recorded for no exporter, every message and every AWS call would still pay for its activities.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(application))
            .WithMetrics(metrics => metrics.AddSagaFilesMetrics());
        if (otlp)
            telemetry.WithTracing(tracing => tracing.AddSource("MassTransit").AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
                .UseOtlpExporter();

        builder.Services.AddSagaFilesHealth();
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Shared by the bus (SQS/SNS) and storage (S3): one registration, validated once at start-up.
        builder.Services.AddOptions<AwsOptions>().BindConfiguration(AwsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
