using Microsoft.Extensions.DependencyInjection.Extensions;
using SagaFiles.Processing.Processors;

namespace SagaFiles.Components.Consumers;

public static class ComponentsRegistration
{
    /// <summary>
    /// The four step consumers with their definitions (queues download-file, compute-checksum, convert-file,
    /// upload-file under the kebab-case formatter) and the default processor registry. Needs an <c>IObjectStore</c>
    /// and <c>StorageOptions</c> (AddSagaFilesStorage).
    /// </summary>
    public static IBusRegistrationConfigurator AddSagaFilesConsumers(this IBusRegistrationConfigurator configurator)
    {
        configurator.TryAddSingleton(FileProcessorRegistry.CreateDefault());
        configurator.AddConsumer<DownloadFileConsumer, DownloadFileConsumerDefinition>();
        configurator.AddConsumer<ComputeChecksumConsumer, ComputeChecksumConsumerDefinition>();
        configurator.AddConsumer<ConvertFileConsumer, ConvertFileConsumerDefinition>();
        configurator.AddConsumer<UploadFileConsumer, UploadFileConsumerDefinition>();
        configurator.AddConsumer<PreserveFailedFileConsumer, PreserveFailedFileConsumerDefinition>();
        return configurator;
    }
}
