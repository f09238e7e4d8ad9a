namespace SagaFiles.Storage;

/// <summary>
/// Object storage failed. <see cref="IsTransient" /> says whether the same request may well succeed if tried again in a
/// moment (throttling, a server error, a timeout, no answer at all); other failures (access denied, a missing bucket) need
/// someone to act first. <see cref="ObjectNotFoundException" /> means the object is gone.
/// </summary>
public class StorageException(string message, bool isTransient, Exception? innerException = null) : Exception(message, innerException)
{
    public bool IsTransient { get; } = isTransient;
}

/// <summary>A bucket does not exist: creating it fixes the request, so it is neither transient nor the object's fault.</summary>
public sealed class BucketNotFoundException(string bucket, string message, Exception? innerException = null)
    : StorageException(message, isTransient: false, innerException)
{
    public string Bucket { get; } = bucket;
}
