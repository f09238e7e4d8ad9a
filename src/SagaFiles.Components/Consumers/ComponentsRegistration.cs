using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Components.Consumers;

public static class ComponentsRegistration
{
    /// <summary>
    /// The consumer of each step in <see cref="FileSteps.All" /> on the step's queue, the consumer that keeps a Failed
    /// file's original (<see cref="FileSteps.PreserveFailedQueue" />), the processors and the router (section <c>Processing</c>,
    /// validated at start-up). Needs an <c>IObjectStore</c> and <c>StorageOptions</c> (AddSagaFilesStorage).
    /// </summary>
    public static IBusRegistrationConfigurator AddSagaFilesConsumers(this IBusRegistrationConfigurator configurator)
    {
        configurator.AddOptions<ProcessingOptions>().BindConfiguration(ProcessingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        configurator.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcessingOptions>, ProcessingOptionsValidator>());
        configurator.AddOptions<ProcessingLimits>().BindConfiguration(ProcessingLimits.Section).ValidateOnStart();
        configurator.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProcessingLimits>, ProcessingLimitsValidator>());
        configurator.AddFileProcessor(services => new ParquetConversionProcessor(services.GetRequiredService<IOptions<ProcessingLimits>>().Value));
        configurator.AddOptions<ArchiveExpansionOptions>().BindConfiguration(ProcessingOptions.ArchivesSection).ValidateOnStart();
        configurator.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArchiveExpansionOptions>, ArchiveExpansionOptionsValidator>());
        configurator.AddFileProcessor(services => new ArchiveExpansionProcessor(services.GetRequiredService<IOptions<ArchiveExpansionOptions>>().Value));
        configurator.TryAddSingleton(services => new FileRouter(services.GetRequiredService<IOptions<ProcessingOptions>>().Value.Routes));
        configurator.TryAddSingleton(services => new ProcessorSelector(services.GetRequiredService<FileRouter>(), services.GetServices<IFileProcessor>()));

        configurator.AddEndpointOptions();
        configurator.AddHostedService<TempFileSweep>();
        configurator.TryAddSingleton<StepBudgets>();
        configurator.TryAddSingleton<ConversionSlots>();
        configurator.TryAddSingleton<OutputManifests>();
        configurator.TryAddSingleton<ResultPublisher>();
        configurator.TryAddSingleton<ChildManifests>();
        configurator.TryAddSingleton<FileConversion>();
        foreach (var step in FileSteps.All)
            configurator.AddConsumer(step.Consumer, typeof(StepConsumerDefinition<>).MakeGenericType(step.Consumer));
        configurator.AddConsumer<PreserveFailedFileConsumer, PreserveFailedFileConsumerDefinition>();
        return configurator;
    }

    /// <summary>Registers a processor; routing rules name it by its <see cref="IFileProcessor.Name" />.</summary>
    public static IServiceCollection AddFileProcessor<TProcessor>(this IServiceCollection services)
        where TProcessor : class, IFileProcessor
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFileProcessor, TProcessor>());
        return services;
    }

    /// <summary>Registers a processor that needs settings to be built.</summary>
    public static IServiceCollection AddFileProcessor<TProcessor>(this IServiceCollection services, Func<IServiceProvider, TProcessor> create)
        where TProcessor : class, IFileProcessor
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFileProcessor, TProcessor>(create));
        return services;
    }

    /// <summary>Every rule names a known type or category and a registered processor.</summary>
    sealed class ProcessingOptionsValidator(IEnumerable<IFileProcessor> processors) : IValidateOptions<ProcessingOptions>
    {
        public ValidateOptionsResult Validate(string? name, ProcessingOptions options)
        {
            var problems = FileRouter.Problems(options.Routes, processors.Select(p => p.Name).ToList()).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }

    sealed class ProcessingLimitsValidator : IValidateOptions<ProcessingLimits>
    {
        public ValidateOptionsResult Validate(string? name, ProcessingLimits options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    sealed class ArchiveExpansionOptionsValidator : IValidateOptions<ArchiveExpansionOptions>
    {
        public ValidateOptionsResult Validate(string? name, ArchiveExpansionOptions options) =>
            options.Problem(ProcessingOptions.ArchivesSection) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
