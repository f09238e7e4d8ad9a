using SagaFiles.Storage;

namespace SagaFiles.Components.Tests.Support;

/// <summary>Passes every call to the real store; a spec overrides the calls it interferes with.</summary>
class DelegatingObjectStore(IObjectStore inner) : IObjectStore
{
    protected IObjectStore Inner => inner;

    public virtual Task<long> PutAsync(string bucket, string key, Stream content, string contentType,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        inner.PutAsync(bucket, key, content, contentType, metadata, cancellationToken);

    public virtual Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(bucket, key, cancellationToken);

    public virtual Task<ObjectPrefix> ReadPrefixAsync(string bucket, string key, int bytes, CancellationToken cancellationToken = default) =>
        inner.ReadPrefixAsync(bucket, key, bytes, cancellationToken);

    public virtual Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default) =>
        inner.HeadAsync(bucket, key, cancellationToken);

    public virtual Task<ObjectInfo> CopyAsync(ObjectLocation source, ObjectLocation destination,
        IReadOnlyDictionary<string, string>? metadata = null, ObjectInfo? sourceInfo = null, CancellationToken cancellationToken = default) =>
        inner.CopyAsync(source, destination, metadata, sourceInfo, cancellationToken);

    public virtual Task<int> DeletePrefixAsync(string bucket, string prefix, CancellationToken cancellationToken = default) =>
        inner.DeletePrefixAsync(bucket, prefix, cancellationToken);

    public virtual Task<bool> AnyAsync(string bucket, string prefix, CancellationToken cancellationToken = default) =>
        inner.AnyAsync(bucket, prefix, cancellationToken);

    public virtual Task DeleteAsync(string bucket, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(bucket, keys, cancellationToken);

    public virtual Uri GetDownloadUrl(string bucket, string key, TimeSpan lifetime, string? downloadFileName = null) =>
        inner.GetDownloadUrl(bucket, key, lifetime, downloadFileName);

    public virtual Task EnsureBucketsAsync(CancellationToken cancellationToken = default) => inner.EnsureBucketsAsync(cancellationToken);
}
