namespace SagaFiles.Storage;

/// <summary>
/// Object storage as SagaFiles uses it: objects stream in and out, copies happen on the server, nothing is held whole
/// in memory. Metadata keys and values are ASCII (they travel as HTTP headers); keys are returned lower-case.
/// Failures are <see cref="StorageException" />s that say whether they are transient, never the SDK's own exceptions.
/// </summary>
public interface IObjectStore
{
    /// <summary>
    /// Stores <paramref name="content" />, read from its current position to its end; its length need not be known.
    /// Memory stays bounded by one part (<see cref="S3ObjectStore.PartSize" />) whatever the length.
    /// </summary>
    /// <returns>The number of bytes stored.</returns>
    Task<long> PutAsync(string bucket, string key, Stream content, string contentType,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading; dispose the stream to release the connection.</summary>
    /// <exception cref="ObjectNotFoundException">There is no such object.</exception>
    Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The object's first <paramref name="bytes" /> bytes (fewer when it is shorter, none when it is empty), and what a
    /// HEAD would answer, from the same request.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">There is no such object.</exception>
    Task<ObjectPrefix> ReadPrefixAsync(string bucket, string key, int bytes, CancellationToken cancellationToken = default);

    /// <summary>The object's size, media type and metadata; null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies on the server, overwriting the destination. With <paramref name="metadata" /> the copy gets exactly that
    /// metadata (and the source's media type); without, the source's metadata is kept.
    /// </summary>
    /// <param name="source">The object to copy.</param>
    /// <param name="destination">Where the copy goes.</param>
    /// <param name="metadata">The copy's metadata; null keeps the source's.</param>
    /// <param name="sourceInfo">What a HEAD or a prefix read of the source just answered, which spares the copy its own.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The copy's size, media type, metadata and entity tag.</returns>
    /// <exception cref="ObjectNotFoundException">There is no source object.</exception>
    Task<ObjectInfo> CopyAsync(ObjectLocation source, ObjectLocation destination,
        IReadOnlyDictionary<string, string>? metadata = null, ObjectInfo? sourceInfo = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix" />; deleting nothing is not an error.</summary>
    /// <returns>How many objects were deleted.</returns>
    Task<int> DeletePrefixAsync(string bucket, string prefix, CancellationToken cancellationToken = default);

    /// <summary>Whether any object's key starts with <paramref name="prefix" /> (a listing of one key).</summary>
    Task<bool> AnyAsync(string bucket, string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the named objects (in one request per thousand, with no listing); a key that is gone is not an error.</summary>
    Task DeleteAsync(string bucket, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    /// <summary>A link that downloads the object for <paramref name="lifetime" />, saved as <paramref name="downloadFileName" />.</summary>
    Uri GetDownloadUrl(string bucket, string key, TimeSpan lifetime, string? downloadFileName = null);

    /// <summary>Creates the incoming, staging and processed buckets that do not exist yet; safe to call any number of times.</summary>
    Task EnsureBucketsAsync(CancellationToken cancellationToken = default);
}
