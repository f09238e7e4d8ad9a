using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Processing.Detection;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Processes the staged original (<see cref="FileConversion" />). A file read whole in the first read (at most 64 KiB) has
/// its results published here, not by an upload step, when the command carries its <see cref="ConvertFile.Publication" />.
/// A run is cancelled when it passes its <see cref="StepBudget" /> (time, the worker's memory, the attempt's deadline).
/// </summary>
public sealed class ConvertFileConsumer(
    IObjectStore store,
    FileConversion conversion,
    IOptions<StorageOptions> storage,
    IOptions<ProcessingLimits> limits,
    StepBudgets budgets,
    ConversionSlots slots,
    OutputManifests manifests,
    ResultPublisher publisher,
    ILogger<ConvertFileConsumer> logger) : IConsumer<ConvertFile>
{
    public async Task Consume(ConsumeContext<ConvertFile> context)
    {
        var command = context.Message;
        // Waiting for a slot is waiting in the queue: it comes before the step's budget starts, and the message stays hidden.
        using var slot = await slots.EnterAsync(command.Size, context.CancellationToken);
        using var step = StepScope.Begin(logger, command, FileSteps.Convert);
        await budgets.RunAsync(context, step.Progress, logger, cancellationToken => ConvertAsync(context, step, cancellationToken));
    }

    async Task ConvertAsync(ConsumeContext<ConvertFile> context, StepScope step, CancellationToken cancellationToken)
    {
        var command = context.Message;

        // The type is detected again, the same way as at download: the command carries the staged key and the name only.
        if (await ReadStagedAsync(command, cancellationToken) is not { } prefix)
            return;
        var type = FileTypeDetector.Detect(prefix.Bytes, command.OriginalName);
        // The whole file: nothing more needs to be read of the store, and (with the Publication) this step publishes its results.
        var whole = prefix.IsWhole ? prefix.Bytes : null;
        var converted = await conversion.RunAsync(command, conversion.Route(command, type), type, prefix.Object, whole,
            whole != null ? command.Publication : null, step.Progress, cancellationToken);
        if (converted.Published is { } published)
        {
            await AnswerPublishedAsync(context, step, converted.Processor, published, cancellationToken);
            return;
        }

        var list = await manifests.ShareAsync(converted.Outputs,
            new ObjectLocation(storage.Value.StagingBucket, FileKeys.StagedManifest(command.Tenant, command.FileId)),
            limits.Value.MaxInlineOutputsBytes, cancellationToken);
        await context.Publish(MessageSize.Checked(new FileConverted
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Processor = converted.Processor, Outputs = list.Listed, OutputManifest = list.Manifest, ChildCount = converted.Children?.Count,
            Children = converted.Children
        }, limits.Value), cancellationToken);
    }

    /// <returns>The staged original's first bytes; null when an earlier run of this step published a small file's results and
    /// cleaned staging: this message came back before it was acknowledged, or it is the next attempt, sent while the earlier
    /// one's answer (out before the clean-up) was late.</returns>
    async Task<ObjectPrefix?> ReadStagedAsync(ConvertFile command, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadPrefixAsync(command.Bucket, command.Key, FileTypeDetector.PrefixLength, cancellationToken);
        }
        catch (ObjectNotFoundException) when (command.Publication is not null)
        {
            if (!await publisher.AnyPublishedAsync(command.Tenant, command.FileId, command.Publication, cancellationToken))
                throw;
            logger.LogInformation("The staged original is gone and the results are published: an earlier run of this step finished");
            return null;
        }
    }

    /// <summary>
    /// A small file's results are published here rather than by an upload step of their own: that step's command, its answer
    /// and a saga transition cost more than its copies. Staging is cleaned after the answer is out, so a run that stops in
    /// between is run again whole, and one that stops after the clean-up (before its message is acknowledged) finds the
    /// results published and nothing left to do (<see cref="ReadStagedAsync" />).
    /// </summary>
    async Task AnswerPublishedAsync(ConsumeContext<ConvertFile> context, StepScope step, string processor, OutputList published,
        CancellationToken cancellationToken)
    {
        var command = context.Message;
        await context.Publish(MessageSize.Checked(new FileConverted
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Processor = processor, Outputs = published.Listed, OutputManifest = published.Manifest, ResultsPublished = true
        }, limits.Value), cancellationToken);
        // Staging holds the original only: a small file's results are stored in place and their list is not staged.
        await publisher.DeleteStagedAsync([command.Key], cancellationToken);
    }
}
