using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Metrics;
using SagaFiles.Components.StateMachines;
using SagaFiles.Processing;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// The convert step's work on the original a <see cref="ConvertFile" /> names, with the processor its type and tags route to
/// (<see cref="ProcessorSelector" />):
/// <list type="bullet">
/// <item>pass-through: the original is the result, nothing is read;</item>
/// <item>a converter (Parquet): its results are stored at <c>{tenant}/staging/{fileId}/result/{name}</c>, or, with a
/// <see cref="ResultPublication" />, at their published place;</item>
/// <item>archive: each entry is stored under <c>{tenant}/archives/{fileId}/</c> in the incoming bucket and, once every entry is
/// stored, listed as a child file (<see cref="FileUploaded" /> with the parent's id) in a <see cref="ChildManifest" /> beside
/// them, with an id that follows from its place in the archive, so running again lists the same children. The archive's
/// counter publishes them a window at a time (<see cref="ArchiveChildrenConsumer" />).</item>
/// </list>
/// The convert step runs it (<see cref="ConvertFileConsumer" />), and so does the download of a small file
/// (<see cref="DownloadFileConsumer" />). An original larger than the first read is read through a temp file deleted on
/// every path; one that read held whole is converted from its bytes. Running twice overwrites the same keys.
/// </summary>
public sealed class FileConversion(
    IObjectStore store,
    ProcessorSelector processors,
    IOptions<StorageOptions> storage,
    ResultPublisher publisher,
    ChildManifests childManifests,
    ILogger<FileConversion> logger)
{
    /// <summary>The processor the file goes to (none: it passes through).</summary>
    public ProcessorChoice Route(ConvertFile command, DetectedFileType type)
    {
        var choice = processors.Choose(type, command.Tags);
        logger.LogInformation("Routing {Name} ({DetectedType}, {Category}) to {Processor}", FileNames.Sanitize(command.OriginalName), type.Name,
            type.Category, choice.Route);
        return choice;
    }

    /// <param name="original">The original as the store described it.</param>
    /// <param name="whole">All of the original, when the first read held it: nothing more is read of the store.</param>
    /// <param name="publication">With it, the results are published (<see cref="ResultPublisher" />), not staged; an
    /// archive's children ignore it.</param>
    public async Task<ConvertedFile> RunAsync(ConvertFile command, ProcessorChoice choice, DetectedFileType type, ObjectInfo original, byte[]? whole,
        ResultPublication? publication, StepProgress progress, CancellationToken cancellationToken)
    {
        var name = FileNames.Sanitize(command.OriginalName);
        var (outputs, children) = choice.Processor is not { } processor
            ? ([PassThrough(command, name, original)], null)
            : await ProcessAsync(command, processor, name, type, whole, publication, progress, cancellationToken);
        if (publication is null || children is not null)
            return new ConvertedFile(choice.Route, outputs, children, Published: null);
        // A converted result is already in place (StoreResultsAsync); an original passed through is copied.
        var published = await publisher.PublishAsync(command.Tenant, command.FileId, publication, outputs, byManifest: false, cancellationToken);
        return new ConvertedFile(choice.Route, published.Listed, Children: null, published);
    }

    FileOutput PassThrough(ConvertFile command, string name, ObjectInfo original)
    {
        logger.LogInformation("Passing {Name} through unchanged ({Size} bytes)", name, original.Size);
        return new FileOutput
        {
            Bucket = command.Bucket, Key = command.Key, Name = name, Format = ResultFormats.Original, Size = original.Size, MediaType = original.ContentType
        };
    }

    /// <returns>The results (in staging, or in place when <paramref name="publication" /> is given), and an archive's child
    /// files (null for anything else).</returns>
    async Task<(IReadOnlyList<FileOutput> Results, ChildManifest? Children)> ProcessAsync(ConvertFile command, IFileProcessor processor,
        string name, DetectedFileType type, byte[]? whole, ResultPublication? publication, StepProgress progress, CancellationToken cancellationToken)
    {
        // A file the first read held whole (at most 64 KiB) is converted from those bytes; a larger one is copied to a temp file.
        await using var content = new ProgressTrackedStream(whole != null ? new MemoryStream(whole, writable: false) : TempFile.Create(command.FileId, "input"));
        // Progress: the bytes copied in, then those copied plus those the processor has read (and its rows or entries).
        progress.Track(() => content.Reported, total: null);
        if (whole == null)
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

/// <summary>What a conversion produced.</summary>
/// <param name="Processor">The route taken: <c>parquet</c>, <c>archive</c>, <c>pass-through</c>, ...</param>
/// <param name="Outputs">The results, staged (or published when <paramref name="Published" /> is set).</param>
/// <param name="Children">An archive's child files; null for anything else.</param>
/// <param name="Published">The published list, when the conversion published its results.</param>
public sealed record ConvertedFile(string Processor, IReadOnlyList<FileOutput> Outputs, ChildManifest? Children, OutputList? Published);
