using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Publishes the results: a server-side copy of each to <c>{tenant}/processed/{yyyy}/{MM}/{dd}/{fileId}/{name}</c> with its
/// metadata (sha256 of the original, source-key, format, row-count), then deletes the file's staging prefix. A retry
/// after staging was cleaned finds the results already there with the same sha256 and only finishes the clean-up.
/// </summary>
public sealed class UploadFileConsumer(IObjectStore store, IOptions<StorageOptions> options, IOptions<ProcessingLimits> limits,
    StepBudgets budgets, OutputManifests manifests, ILogger<UploadFileConsumer> logger) : IConsumer<UploadFile>
{
    public const string Sha256Metadata = "sha256";
    public const string SourceKeyMetadata = "source-key";
    public const string RowCountMetadata = "row-count";
    public const string FormatMetadata = "format";

    public async Task Consume(ConsumeContext<UploadFile> context)
    {
        using var step = StepScope.Begin(logger, context.Message, FileSteps.Upload);
        await budgets.RunAsync(context, step.Progress, logger, cancellationToken => UploadAsync(context, step, cancellationToken));
    }

    async Task UploadAsync(ConsumeContext<UploadFile> context, StepScope step, CancellationToken cancellationToken)
    {
        var command = context.Message;
        var manifest = new ObjectLocation(options.Value.ProcessedBucket, FileKeys.ProcessedManifest(command.Tenant, command.FileId, command.ReceivedAt));
        // A list that came by manifest goes on by manifest: a retry after staging was cleaned reads it there.
        var maxInlineBytes = command.OutputManifest is null ? limits.Value.MaxInlineOutputsBytes : -1;
        var list = await StagedOutputsAsync(command, cancellationToken) is { } staged
            ? await manifests.ShareAsync(await PublishAllAsync(command, staged, cancellationToken), manifest, maxInlineBytes, cancellationToken)
            // Staging was cleaned by an earlier attempt, which had written the published list first.
            : new OutputList([], command.OutputManifest! with { Bucket = manifest.Bucket, Key = manifest.Key });

        var deleted = await store.DeletePrefixAsync(options.Value.StagingBucket, FileKeys.StagingPrefix(command.Tenant, command.FileId), cancellationToken);
        logger.LogInformation("Deleted {Count} staged object(s)", deleted);

        await context.Publish(new ResultUploaded
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Outputs = list.Listed, OutputManifest = list.Manifest
        }, cancellationToken);
    }

    /// <returns>The staged results; null when their manifest was deleted with staging (the upload ran before).</returns>
    async Task<IReadOnlyList<FileOutput>?> StagedOutputsAsync(UploadFile command, CancellationToken cancellationToken)
    {
        try
        {
            return await manifests.ReadAsync(command.Outputs, command.OutputManifest, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            var published = FileKeys.ProcessedManifest(command.Tenant, command.FileId, command.ReceivedAt);
            if (await store.HeadAsync(options.Value.ProcessedBucket, published, cancellationToken) is null)
                throw;
            return null;
        }
    }

    async Task<List<FileOutput>> PublishAllAsync(UploadFile command, IReadOnlyList<FileOutput> staged, CancellationToken cancellationToken)
    {
        var published = new List<FileOutput>(staged.Count);
        foreach (var output in staged)
            published.Add(await PublishAsync(command, output, cancellationToken));
        return published;
    }

    async Task<FileOutput> PublishAsync(UploadFile command, FileOutput output, CancellationToken cancellationToken)
    {
        var destination = new ObjectLocation(options.Value.ProcessedBucket,
            FileKeys.Processed(command.Tenant, command.FileId, command.ReceivedAt, FileNames.Sanitize(output.Name)));
        ObjectInfo published;
        try
        {
            // Copying again over an earlier attempt's copy writes the same bytes: cheaper than asking first. The output's
            // size and media type are all the copy needs to know of its source, so it need not ask either.
            published = await store.CopyAsync(new ObjectLocation(output.Bucket, output.Key), destination, Metadata(command, output),
                output.MediaType is { } mediaType ? new ObjectInfo(output.Size, mediaType, ReadOnlyDictionary<string, string>.Empty) : null,
                cancellationToken);
            logger.LogInformation("Published {Destination} ({Size} bytes)", destination, published.Size);
        }
        catch (ObjectNotFoundException)
        {
            // Staging went with an earlier attempt, after it had published this result (or the result is lost).
            var earlier = await store.HeadAsync(destination.Bucket, destination.Key, cancellationToken);
            if (earlier is null || earlier.Metadata.GetValueOrDefault(Sha256Metadata) != command.Sha256)
                throw;
            logger.LogInformation("{Destination} is already published", destination);
            published = earlier;
        }

        return output with { Bucket = destination.Bucket, Key = destination.Key, Size = published.Size };
    }

    static Dictionary<string, string> Metadata(UploadFile command, FileOutput output)
    {
        var metadata = new Dictionary<string, string>
        {
            [Sha256Metadata] = command.Sha256,
            // Metadata travels as an ASCII header: a key with other characters is percent-encoded.
            [SourceKeyMetadata] = Ascii.IsValid(command.SourceKey) ? command.SourceKey : Uri.EscapeDataString(command.SourceKey),
            [FormatMetadata] = output.Format
        };
        if (output.Table?.Rows is { } rows)
            metadata[RowCountMetadata] = rows.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }
}
