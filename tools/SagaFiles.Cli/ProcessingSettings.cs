using Microsoft.Extensions.Configuration;
using SagaFiles.Processing;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Cli;

/// <summary>
/// The worker's <c>Processing</c> settings (Routes, Limits, Archives), read as the worker reads them: from a settings
/// file of the same shape as its appsettings.json, then environment variables (<c>Processing__Limits__MaxColumns</c>).
/// Nothing set: the worker's defaults.
/// </summary>
static class ProcessingSettings
{
    const string RoutesSection = "Processing:Routes";
    const string ArchivesSection = "Processing:Archives";

    /// <exception cref="InvalidDataException">The file cannot be read, or a setting is invalid; the message says which.</exception>
    public static ProcessorSelector Load(string? settingsFile)
    {
        var builder = new ConfigurationBuilder();
        if (settingsFile is not null)
            builder.AddJsonFile(Path.GetFullPath(settingsFile), optional: false);
        IConfiguration configuration;
        ProcessingLimits limits;
        ArchiveExpansionOptions archives;
        List<RoutingRule> routes;
        try
        {
            configuration = builder.AddEnvironmentVariables().Build();
            limits = configuration.GetSection(ProcessingLimits.Section).Get<ProcessingLimits>() ?? ProcessingLimits.Default;
            archives = configuration.GetSection(ArchivesSection).Get<ArchiveExpansionOptions>() ?? new ArchiveExpansionOptions();
            routes = configuration.GetSection(RoutesSection).Get<List<RoutingRule>>() ?? [];
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(e.Message, e);
        }

        var selector = ProcessorSelector.BuiltIn(limits, archives, routes);
        var problems = new[] { limits.Problem(), archives.Problem(ArchivesSection) }.OfType<string>()
            .Concat(FileRouter.Problems(routes, [FileRouter.Parquet, FileRouter.Archive])).ToList();
        return problems.Count == 0 ? selector : throw new InvalidDataException(string.Join(Environment.NewLine, problems));
    }
}
