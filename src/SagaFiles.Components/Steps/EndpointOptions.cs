using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SagaFiles.Components.Steps;

/// <summary>
/// How many messages a worker takes from each of its endpoints at once (section <c>Steps</c>), by step name (Download,
/// Checksum, Convert, Upload) or <see cref="Saga" />: <c>Steps__Convert__ConcurrentMessageLimit=4</c>. What is not set
/// keeps the step model's default (<see cref="StepPolicy" />; the saga's is the transport's). Validated at start-up.
/// </summary>
public sealed class EndpointOptions : Dictionary<string, EndpointSettings>
{
    public const string Section = "Steps";

    /// <summary>The file saga's endpoint.</summary>
    public const string Saga = "Saga";

    /// <summary>The most either setting may be: beyond it a worker holds more than it can work on.</summary>
    public const int Ceiling = 1000;

    public EndpointOptions()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <summary>The names a key may have.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. FileSteps.All.Select(s => s.Name), Saga];

    public EndpointSettings For(string name) => TryGetValue(name, out var settings) ? settings : new EndpointSettings();
}

/// <summary>One endpoint's limits; null leaves the default.</summary>
public sealed record EndpointSettings
{
    /// <summary>Messages consumed at once.</summary>
    public int? ConcurrentMessageLimit { get; init; }

    /// <summary>Messages received and held at once (at least the concurrent limit).</summary>
    public int? PrefetchCount { get; init; }
}

/// <summary>Refuses unknown endpoint names and limits outside 1..<see cref="EndpointOptions.Ceiling" />, naming the setting.</summary>
public sealed class EndpointOptionsValidator : IValidateOptions<EndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, EndpointOptions options)
    {
        var failures = new List<string>();
        foreach (var (endpoint, settings) in options)
        {
            if (!EndpointOptions.Names.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
                failures.Add($"{EndpointOptions.Section}:{endpoint} names no endpoint; use one of {string.Join(", ", EndpointOptions.Names)}.");
            foreach (var (setting, value) in new[]
                     {
                         (nameof(EndpointSettings.ConcurrentMessageLimit), settings.ConcurrentMessageLimit),
                         (nameof(EndpointSettings.PrefetchCount), settings.PrefetchCount)
                     })
            {
                if (value is < 1 or > EndpointOptions.Ceiling)
                    failures.Add($"{EndpointOptions.Section}:{endpoint}:{setting} is {value}; it must be 1 to {EndpointOptions.Ceiling}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class EndpointOptionsRegistration
{
    /// <summary>Section <c>Steps</c>, bound once and validated at start-up, for the step and saga definitions.</summary>
    public static void AddEndpointOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<EndpointOptions>)))
            return;
        services.AddOptions<EndpointOptions>().BindConfiguration(EndpointOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EndpointOptions>, EndpointOptionsValidator>());
    }
}
