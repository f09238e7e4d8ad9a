using Microsoft.Extensions.Logging;
using SagaFiles.Components.Steps;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Publishes the results (<see cref="ResultPublisher" />), then deletes the file's staging prefix. A retry after staging was
/// cleaned finds the results already there with the same sha256 and only finishes the clean-up.
/// </summary>
public sealed class UploadFileConsumer(IObjectStore store, StepBudgets budgets, OutputManifests manifests,
    ResultPublisher publisher, ILogger<UploadFileConsumer> logger) : IConsumer<UploadFile>
{
    public async Task Consume(ConsumeContext<UploadFile> context)
    {
        using var step = StepScope.Begin(logger, context.Message, FileSteps.Upload);
        await budgets.RunAsync(context, step.Progress, logger, cancellationToken => UploadAsync(context, step, cancellationToken));
    }

    async Task UploadAsync(ConsumeContext<UploadFile> context, StepScope step, CancellationToken cancellationToken)
    {
        var command = context.Message;
        var publication = new ResultPublication { Sha256 = command.Sha256, SourceKey = command.SourceKey, ReceivedAt = command.ReceivedAt };
        var manifest = publisher.ManifestOf(command.Tenant, command.FileId, publication);
        var list = await StagedOutputsAsync(command, manifest, cancellationToken) is { } staged
            ? await publisher.PublishAsync(command.Tenant, command.FileId, publication, staged, byManifest: command.OutputManifest is not null,
                cancellationToken)
            // Staging was cleaned by an earlier attempt, which had written the published list first.
            : new OutputList([], command.OutputManifest! with { Bucket = manifest.Bucket, Key = manifest.Key });

        await publisher.CleanStagingAsync(command.Tenant, command.FileId, cancellationToken);

        await context.Publish(new ResultUploaded
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Outputs = list.Listed, OutputManifest = list.Manifest
        }, cancellationToken);
    }

    /// <returns>The staged results; null when their manifest was deleted with staging (the upload ran before).</returns>
    async Task<IReadOnlyList<FileOutput>?> StagedOutputsAsync(UploadFile command, ObjectLocation published, CancellationToken cancellationToken)
    {
        try
        {
            return await manifests.ReadAsync(command.Outputs, command.OutputManifest, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            if (await store.HeadAsync(published.Bucket, published.Key, cancellationToken) is null)
                throw;
            return null;
        }
    }
}
