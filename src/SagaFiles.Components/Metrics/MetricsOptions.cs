using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace SagaFiles.Components.Metrics;

/// <summary>How the gauges read from Postgres and SQS are kept (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>How often the gauges are read again: a few grouped queries and one GetQueueAttributes per queue each time,
    /// never per scrape or per request.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);
}

public static class MetricsRegistration
{
    /// <summary><see cref="MetricsOptions" /> and the database gauges (<see cref="FileGauges" />): one host per environment is enough.</summary>
    public static IServiceCollection AddFileGauges(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<FileGauges>();
        return services;
    }
}
