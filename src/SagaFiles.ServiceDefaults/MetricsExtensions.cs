using System.Diagnostics.Metrics;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Metrics;

namespace SagaFiles.ServiceDefaults;

/// <summary>
/// <c>GET /metrics</c> in Prometheus' text format on every host's own port: SagaFiles' meters (files, steps, queues,
/// outbox, conversions, saga concurrency), MassTransit's, ASP.NET Core's request metrics, the runtime's (GC, JIT, thread
/// pool, CPU) and Npgsql's (connections opened and in use, commands). Who may scrape is the
/// host's decision (the API: <c>admin</c> or loopback; a worker's port serves only health and metrics).
/// </summary>
public static class MetricsExtensions
{
    public const string Route = "/metrics";

    /// <summary>SagaFiles' meters all start with this name (SagaFiles, SagaFiles.Queues, SagaFiles.Persistence.Postgres, ...).</summary>
    const string SagaFilesMeters = "SagaFiles*";

    public static MeterProviderBuilder AddSagaFilesMetrics(this MeterProviderBuilder metrics) =>
        metrics.AddMeter(SagaFilesMeters, "MassTransit", "System.Runtime", "Npgsql")
            .AddAspNetCoreInstrumentation()
            // Every scrape reads the meters afresh: Prometheus scrapes seldom, and a cached answer hides what just happened.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);

    /// <summary>
    /// The queue gauges (<see cref="QueueGauges" />), read every <paramref name="interval" />: one host per environment is
    /// enough. <see cref="QueueDepths" /> is there for others to read too.
    /// </summary>
    public static IServiceCollection AddQueueGauges(this IServiceCollection services, Func<IServiceProvider, TimeSpan> interval) =>
        services.AddSingleton(sp => new QueueDepths(sp.GetRequiredService<IAmazonSQS>(), sp.GetRequiredService<IOptions<MessagingOptions>>().Value.Prefix))
            .AddHostedService(sp => new QueueGauges(sp.GetRequiredService<QueueDepths>(), interval(sp), sp.GetRequiredService<IMeterFactory>(),
                sp.GetRequiredService<ILogger<QueueGauges>>()));

    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(Route);
}
