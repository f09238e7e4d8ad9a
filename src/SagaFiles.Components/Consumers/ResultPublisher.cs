using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Publishes a file's results at <c>{tenant}/processed/{yyyy}/{MM}/{dd}/{fileId}/{name}</c> with their metadata (sha256 of
/// the original, source-key, format, row-count) and cleans staging. The upload step copies staged results there and
/// deletes the staging prefix; the convert step of a small file (<see cref="ConvertFile.Publication" />), and the download of
/// one it converts itself (<see cref="DownloadFileConsumer" />), store its results there directly (<see cref="Placement" />),
/// copy an original passed through, and delete the staged original by name (none when the download converted it).
/// </summary>
public sealed class ResultPublisher(IObjectStore store, IOptions<StorageOptions> options, IOptions<ProcessingLimits> limits,
    OutputManifests manifests, ILogger<ResultPublisher> logger)
{
    public const string Sha256Metadata = "sha256";
    public const string SourceKeyMetadata = "source-key";
    public const string RowCountMetadata = "row-count";
    public const string FormatMetadata = "format";

    /// <summary>Copies every staged result (a list that came by manifest goes on by manifest) and answers the published list.</summary>
    public async Task<OutputList> PublishAsync(string tenant, Guid fileId, ResultPublication publication, IReadOnlyList<FileOutput> staged,
        bool byManifest, CancellationToken cancellationToken)
    {
        var published = new List<FileOutput>(staged.Count);
        foreach (var output in staged)
            published.Add(await PublishAsync(tenant, fileId, publication, output, cancellationToken));
        return await manifests.ShareAsync(published, ManifestOf(tenant, fileId, publication),
            byManifest ? -1 : limits.Value.MaxInlineOutputsBytes, cancellationToken);
    }

    /// <summary>Where the published list goes when it is too long for a message.</summary>
    public ObjectLocation ManifestOf(string tenant, Guid fileId, ResultPublication publication) =>
        new(options.Value.ProcessedBucket, FileKeys.ProcessedManifest(tenant, fileId, publication.ReceivedAt));

    /// <summary>Deletes the file's staging prefix: the staged original, results and their manifest.</summary>
    public async Task CleanStagingAsync(string tenant, Guid fileId, CancellationToken cancellationToken)
    {
        var deleted = await store.DeletePrefixAsync(options.Value.StagingBucket, FileKeys.StagingPrefix(tenant, fileId), cancellationToken);
        logger.LogInformation("Deleted {Count} staged object(s)", deleted);
    }

    /// <summary>Whether any result of the file is published.</summary>
    public Task<bool> AnyPublishedAsync(string tenant, Guid fileId, ResultPublication publication, CancellationToken cancellationToken) =>
        store.AnyAsync(options.Value.ProcessedBucket, FileKeys.ProcessedFolder(tenant, fileId, publication.ReceivedAt), cancellationToken);

    /// <summary>Deletes the named staged objects, when the step knows them all: one request, where the prefix takes a listing too.</summary>
    public async Task DeleteStagedAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(options.Value.StagingBucket, keys, cancellationToken);
        logger.LogInformation("Deleted {Count} staged object(s)", keys.Count);
    }

    /// <summary>Where a result is published, and the metadata it carries there.</summary>
    public ResultPlacement Placement(string tenant, Guid fileId, ResultPublication publication, FileOutput output) =>
        new(new ObjectLocation(options.Value.ProcessedBucket, FileKeys.Processed(tenant, fileId, publication.ReceivedAt, FileNames.Sanitize(output.Name))),
            Metadata(publication, output));

    async Task<FileOutput> PublishAsync(string tenant, Guid fileId, ResultPublication publication, FileOutput output,
        CancellationToken cancellationToken)
    {
        var (destination, metadata) = Placement(tenant, fileId, publication, output);
        // The conversion of a small file stores its results in place (StagedOutputs): nothing to copy.
        if (output.Bucket == destination.Bucket && output.Key == destination.Key)
            return output;
        ObjectInfo published;
        try
        {
            // Copying again over an earlier attempt's copy writes the same bytes: cheaper than asking first. The output's
            // size and media type are all the copy needs to know of its source, so it need not ask either.
            published = await store.CopyAsync(new ObjectLocation(output.Bucket, output.Key), destination, metadata,
                output.MediaType is { } mediaType ? new ObjectInfo(output.Size, mediaType, ReadOnlyDictionary<string, string>.Empty) : null,
                cancellationToken);
            logger.LogInformation("Published {Destination} ({Size} bytes)", destination, published.Size);
        }
        catch (ObjectNotFoundException)
        {
            // Staging went with an earlier attempt, after it had published this result (or the result is lost).
            var earlier = await store.HeadAsync(destination.Bucket, destination.Key, cancellationToken);
            if (earlier is null || earlier.Metadata.GetValueOrDefault(Sha256Metadata) != publication.Sha256)
                throw;
            logger.LogInformation("{Destination} is already published", destination);
            published = earlier;
        }

        return output with { Bucket = destination.Bucket, Key = destination.Key, Size = published.Size };
    }

    static IReadOnlyDictionary<string, string> Metadata(ResultPublication publication, FileOutput output)
    {
        var metadata = new Dictionary<string, string>
        {
            [Sha256Metadata] = publication.Sha256,
            // Metadata travels as an ASCII header: a key with other characters is percent-encoded.
            [SourceKeyMetadata] = Ascii.IsValid(publication.SourceKey) ? publication.SourceKey : Uri.EscapeDataString(publication.SourceKey),
            [FormatMetadata] = output.Format
        };
        if (output.Table?.Rows is { } rows)
            metadata[RowCountMetadata] = rows.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }
}

/// <summary>A published result's location and its metadata (sha256 of the original, source-key, format, row-count).</summary>
public sealed record ResultPlacement(ObjectLocation Destination, IReadOnlyDictionary<string, string> Metadata);
