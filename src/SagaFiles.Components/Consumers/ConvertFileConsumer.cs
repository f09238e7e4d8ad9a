using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Metrics;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Processes the staged original with the processor its type and tags route to (<see cref="ProcessorSelector" />):
/// <list type="bullet">
/// <item>pass-through: the staged original is the result, nothing is read;</item>
/// <item>a converter (Parquet): its results are stored at <c>{tenant}/staging/{fileId}/result/{name}</c>;</item>
/// <item>archive: each entry is stored under <c>{tenant}/archives/{fileId}/</c> in the incoming bucket and, once every entry is
/// stored, listed as a child file (<see cref="FileUploaded" /> with the parent's id) in a <see cref="ChildManifest" /> beside
/// them, with an id that follows from its place in the archive, so running again lists the same children. The archive's
/// counter publishes them a window at a time (<see cref="ArchiveChildrenConsumer" />).</item>
/// </list>
/// A file read whole in the first read (at most 64 KiB) has its results published here, not by an upload step, when the
/// command carries its <see cref="ConvertFile.Publication" />.
/// The original is read through a temp file deleted on every path. Running twice overwrites the same keys. A run is
/// cancelled when it passes its <see cref="StepBudget" /> (time, the worker's memory, the attempt's deadline).
/// </summary>
public sealed class ConvertFileConsumer(
    IObjectStore store,
    ProcessorSelector processors,
    IOptions<StorageOptions> storage,
    IOptions<ProcessingLimits> limits,
    StepBudgets budgets,
    ConversionSlots slots,
    OutputManifests manifests,
    ResultPublisher publisher,
    ChildManifests childManifests,
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
        // The whole file: nothing more needs to be read of the store.
        var whole = prefix.IsWhole ? prefix.Bytes : null;
        var (route, processor) = processors.Choose(type, command.Tags);
        var name = FileNames.Sanitize(command.OriginalName);
        logger.LogInformation("Routing {Name} ({DetectedType}, {Category}) to {Processor}", name, type.Name, type.Category, route);

        // A small file's results are published by this step (see PublishResultsAsync).
        var publication = whole != null ? command.Publication : null;
        var (outputs, children) = processor is null
            ? ([PassThrough(command, name, prefix.Object)], null)
            : await ProcessAsync(command, processor, name, type, whole, publication, step.Progress, cancellationToken);
        if (publication != null && children is null)
        {
            await PublishResultsAsync(context, step, route, outputs, publication, cancellationToken);
            return;
        }

        var list = await manifests.ShareAsync(outputs,
            new ObjectLocation(storage.Value.StagingBucket, FileKeys.StagedManifest(command.Tenant, command.FileId)),
            limits.Value.MaxInlineOutputsBytes, cancellationToken);
        await context.Publish(MessageSize.Checked(new FileConverted
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Processor = route, Outputs = list.Listed, OutputManifest = list.Manifest, ChildCount = children?.Count, Children = children
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
    /// and a saga transition cost more than its copies. A converted result is already stored in place (StoreResultsAsync);
    /// an original passed through is copied. Staging is cleaned after the answer is out, so a run that stops in
    /// between is run again whole, and one that stops after the clean-up (before its message is acknowledged) finds the
    /// results published and nothing left to do (<see cref="ReadStagedAsync" />).
    /// </summary>
    async Task PublishResultsAsync(ConsumeContext<ConvertFile> context, StepScope step, string route, IReadOnlyList<FileOutput> outputs,
        ResultPublication publication, CancellationToken cancellationToken)
    {
        var command = context.Message;
        var published = await publisher.PublishAsync(command.Tenant, command.FileId, publication, outputs, byManifest: false, cancellationToken);
        await context.Publish(MessageSize.Checked(new FileConverted
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Processor = route, Outputs = published.Listed, OutputManifest = published.Manifest, ResultsPublished = true
        }, limits.Value), cancellationToken);
        // Staging holds the original only: a small file's results are stored in place and their list is not staged.
        await publisher.DeleteStagedAsync([command.Key], cancellationToken);
    }

    FileOutput PassThrough(ConvertFile command, string name, ObjectInfo staged)
    {
        logger.LogInformation("Passing {Name} through unchanged ({Size} bytes)", name, staged.Size);
        return new FileOutput
        {
            Bucket = command.Bucket, Key = command.Key, Name = name, Format = ResultFormats.Original, Size = staged.Size, MediaType = staged.ContentType
        };
    }

    /// <returns>The results (in staging, or in place when <paramref name="publication" /> is given), and an archive's child
    /// files (null for anything else).</returns>
    async Task<(IReadOnlyList<FileOutput> Results, ChildManifest? Children)> ProcessAsync(ConvertFile command, IFileProcessor processor,
        string name, DetectedFileType type, byte[]? whole, ResultPublication? publication, StepProgress progress, CancellationToken cancellationToken)
    {
        await using var content = new ProgressTrackedStream(TempFile.Create(command.FileId, "input"));
        // Progress: the bytes copied in, then those copied plus those the processor has read (and its rows or entries).
        progress.Track(() => content.Reported, total: null);
        if (whole != null)
            await content.WriteAsync(whole, cancellationToken);
        else
        {
            await using var original = await store.OpenReadAsync(command.Bucket, command.Key, cancellationToken);
            await original.CopyToAsync(content, cancellationToken);
        }
        var copied = content.Length;
        content.Position = 0;
        progress.Track(() => copied + content.Reported, total: 2 * copied);
        var input = new ProcessingInput(content, name, type, command.ArchiveDepth,
            command.ArchiveBudget is { } budget ? new ArchiveShare(budget.Bytes, budget.Entries) : null, Progress: progress);

        await using var outputs = new StagedOutputs(store, storage.Value, command);
        ProcessingOutcome outcome;
        try
        {
            outcome = await processor.ProcessAsync(input, outputs, cancellationToken);
        }
        catch (ConversionException e)
        {
            // Permanent: the definition does not retry it, and its message (with the line number) is the reason shown. The
            // content decides it, so no earlier attempt published children: the entries stored so far are orphans. (After a
            // transient error they stay: an earlier attempt may have published children whose originals they are.)
            logger.LogWarning("{Name} cannot be processed by {Processor}: {Reason}", input.FileName, processor.Name, e.Message);
            await outputs.DeleteChildrenAsync(CancellationToken.None);
            throw;
        }

        // Published in place, not staged then copied; an archive's results stay staged, for its own path.
        var results = await outputs.StoreResultsAsync(outcome,
            publication is null || outcome.ExpandsIntoChildren ? null : output => publisher.Placement(command.Tenant, command.FileId, publication, output),
            cancellationToken);
        FileMetrics.Converted(processor.Name, results.Sum(r => r.Table?.Rows ?? 0), content.Length, results.Sum(r => r.Size));
        foreach (var result in results)
            logger.LogInformation("{Processor} turned {Name} ({InputBytes} bytes) into {ResultName} ({OutputBytes} bytes, {Rows} rows)",
                processor.Name, input.FileName, content.Length, result.Name, result.Size, result.Table?.Rows);
        if (!outcome.ExpandsIntoChildren)
            return (results, null);

        var children = await outputs.StoredChildrenAsync();
        var listed = await childManifests.WriteAsync(command.FileId, ChildrenOf(command, children, outcome.UnusedArchiveShare),
            new ObjectLocation(storage.Value.IncomingBucket, FileKeys.ArchiveChildren(command.Tenant, command.FileId)), cancellationToken);
        logger.LogInformation("Expanded {Name} into {ChildCount} child files", input.FileName, listed.Count);
        return (results, listed);
    }

    /// <summary>An entry's path as its file's name; a path too long to keep loses its beginning, never its file name.</summary>
    static string NameOf(string path) =>
        path.Length <= FileState.MaxOriginalNameLength ? path : "..." + path[^(FileState.MaxOriginalNameLength - 3)..];

    /// <summary>One <see cref="FileUploaded" /> per stored entry, each with its share of what the archive's limits left.</summary>
    static IEnumerable<FileUploaded> ChildrenOf(ConvertFile command, IReadOnlyList<StoredChild> children, ArchiveShare? unused)
    {
        var now = DateTimeOffset.UtcNow;
        var total = children.Sum(c => c.Size);
        foreach (var child in children)
        {
            var share = unused?.For(child.Size, total);
            yield return new FileUploaded
            {
                FileId = child.FileId, Tenant = command.Tenant, UploadedBy = command.UploadedBy, Bucket = child.Location.Bucket, Key = child.Location.Key, OriginalName = NameOf(child.Path),
                ContentType = "application/octet-stream", Size = child.Size, Tags = command.Tags, UploadedAt = now,
                ParentFileId = command.FileId, ArchiveDepth = command.ArchiveDepth + 1,
                ArchiveBudget = share is null ? null : new ArchiveBudget(share.Bytes, share.Entries)
            };
        }
    }
}

/// <summary>Conversion holds a row group in memory and keeps a core busy: half the cores at most.</summary>