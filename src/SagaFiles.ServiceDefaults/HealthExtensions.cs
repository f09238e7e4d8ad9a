using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SagaFiles.ServiceDefaults;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: Postgres, the bus and S3 answer, each within
/// <see cref="ReadyCheckTimeout" />; the JSON response names every check with its status and why it failed.
/// </summary>
public static class HealthExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>What one readiness check may take: a dependency slower than this is as good as down for a load balancer.</summary>
    public static readonly TimeSpan ReadyCheckTimeout = TimeSpan.FromSeconds(3);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The <c>self</c> liveness check, and the short timeout on every readiness check (MassTransit's included).</summary>
    public static IServiceCollection AddSagaFilesHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Tags.Contains(ReadyTag)))
                registration.Timeout = ReadyCheckTimeout;
        });
        return services;
    }

    /// <summary>A <c>postgres</c> readiness check: a <c>SELECT 1</c> through <typeparamref name="TDbContext" />'s connection.</summary>
    public static IHostApplicationBuilder AddPostgresReadiness<TDbContext>(this IHostApplicationBuilder builder)
        where TDbContext : DbContext
    {
        // A round trip, not only an open: a pooled connection can outlive the server it was opened on.
        builder.Services.AddHealthChecks().AddDbContextCheck<TDbContext>("postgres", tags: [ReadyTag],
            customTestQuery: async (db, ct) => await db.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync(ct) == 1);
        return builder;
    }

    /// <summary>A <c>bus</c> readiness check: MassTransit's bus and endpoints are started, and SQS answers.</summary>
    internal static IServiceCollection AddBusReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<BusHealthCheck>("bus", tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Open to anyone: load balancers and orchestrators probe without credentials.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous();
        return app;
    }

    /// <summary><c>{"status": "Unhealthy", "checks": [{"name": "postgres", "status": "Unhealthy", "description": "...", "durationMs": 3}]}</c></summary>
    static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description ?? entry.Value.Exception?.Message,
                durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds),
            }),
        }, Json, context.RequestAborted);
    }

    /// <summary>
    /// MassTransit's own bus check only knows whether the endpoints started: once they have, it stays healthy while SQS is
    /// unreachable (the receive loops just retry). This one also asks SQS, for one queue of this environment's prefix.
    /// </summary>
    sealed class BusHealthCheck(IBusControl bus, IAmazonSQS sqs, IOptions<MessagingOptions> messaging) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var health = bus.CheckHealth();
            if (health.Status != BusHealthStatus.Healthy)
                return new HealthCheckResult(context.Registration.FailureStatus, $"The bus is {health.Status}: {health.Description}", health.Exception);
            try
            {
                await sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = messaging.Value.Prefix, MaxResults = 1 }, cancellationToken)
                    .ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"SQS did not answer: {e.Message}", e);
            }
        }
    }
}
