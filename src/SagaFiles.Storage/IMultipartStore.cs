namespace SagaFiles.Storage;

/// <summary>
/// An object assembled from parts sent at different times (S3 multipart upload), for uploads a client sends in pieces and
/// resumes. Part numbers are 1 to <see cref="MaxParts" />; every part but the last must be at least
/// <see cref="MinPartSize" /> bytes, which S3 checks only when the upload is completed. Failures are
/// <see cref="StorageException" />s.
/// </summary>
public interface IMultipartStore
{
    /// <summary>S3's smallest part but the last (5 MiB).</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary>S3's most parts in one upload.</summary>
    public const int MaxParts = 10_000;

    /// <summary>Starts an upload to <paramref name="bucket" />/<paramref name="key" />; returns its storage upload id.</summary>
    Task<string> StartAsync(string bucket, string key, string contentType, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores part <paramref name="partNumber" />, <paramref name="size" /> bytes read from <paramref name="content" />
    /// (replacing one sent before under that number); returns its ETag, quotes removed.
    /// </summary>
    /// <exception cref="MultipartUploadNotFoundException">The upload was completed or aborted.</exception>
    Task<string> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream content, long size,
        CancellationToken cancellationToken = default);

    /// <summary>Assembles the object from <paramref name="parts" /> (number and ETag, in ascending order).</summary>
    /// <exception cref="MultipartUploadNotFoundException">The upload was completed or aborted.</exception>
    /// <exception cref="MultipartPartsRejectedException">A part is missing, has another ETag or is too small.</exception>
    Task CompleteAsync(string bucket, string key, string uploadId, IReadOnlyList<(int Number, string ETag)> parts,
        CancellationToken cancellationToken = default);

    /// <summary>Drops the upload and its parts; false when there was no such upload any more (completed or aborted).</summary>
    Task<bool> AbortAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default);

    /// <summary>A link to PUT part <paramref name="partNumber" /> straight to storage for <paramref name="lifetime" />.</summary>
    Uri GetPartUploadUrl(string bucket, string key, string uploadId, int partNumber, TimeSpan lifetime);
}

/// <summary>The multipart upload no longer exists in storage: it was completed or aborted.</summary>
public sealed class MultipartUploadNotFoundException(string uploadId, Exception? innerException = null)
    : StorageException($"Multipart upload {uploadId} does not exist (any more).", isTransient: false, innerException);

/// <summary>Storage refused to assemble the parts (<paramref name="code" />: InvalidPart, EntityTooSmall, InvalidPartOrder).</summary>
public sealed class MultipartPartsRejectedException(string code, string message, Exception? innerException = null)
    : StorageException(message, isTransient: false, innerException)
{
    public string Code { get; } = code;
}
