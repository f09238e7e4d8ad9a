using Microsoft.Extensions.Logging;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Copies a failed file's original to <c>{tenant}/failed/{yyyyMMddTHHmmssZ}_{fileId}_{name}</c> beside it (server-side), tagged with
/// the file id. The key comes from the failure time and the file, so running twice leaves one copy. An original that is already gone leaves nothing to keep.
/// </summary>
public sealed class PreserveFailedFileConsumer(IObjectStore store, ILogger<PreserveFailedFileConsumer> logger) : IConsumer<PreserveFailedFile>
{
    public async Task Consume(ConsumeContext<PreserveFailedFile> context)
    {
        var command = context.Message;
        var key = FileKeys.Failed(command.Tenant, command.FileId, command.FailedAt, FileNames.Sanitize(command.OriginalName));
        try
        {
            await store.CopyAsync(new ObjectLocation(command.SourceBucket, command.SourceKey), new ObjectLocation(command.SourceBucket, key),
                new Dictionary<string, string> { ["file-id"] = command.FileId.ToString() }, cancellationToken: context.CancellationToken);
            logger.LogInformation("File {FileId} failed: original kept at {Bucket}/{Key}", command.FileId, command.SourceBucket, key);
        }
        catch (ObjectNotFoundException)
        {
            logger.LogWarning("File {FileId} failed and its original {Bucket}/{SourceKey} is gone: nothing to keep", command.FileId,
                command.SourceBucket, command.SourceKey);
        }
    }
}

public sealed class PreserveFailedFileConsumerDefinition : ConsumerDefinition<PreserveFailedFileConsumer>
{
    public PreserveFailedFileConsumerDefinition() => Endpoint(e => e.Name = FileSteps.PreserveFailedQueue);

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PreserveFailedFileConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => StepConsumerDefinition<PreserveFailedFileConsumer>.RetryTransient(retry, StepPolicy.QuickRetries));
}
