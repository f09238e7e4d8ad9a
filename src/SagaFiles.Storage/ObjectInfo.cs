namespace SagaFiles.Storage;

/// <summary>What is known about a stored object without reading it.</summary>
/// <param name="Size">Its length in bytes.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Metadata">Its user metadata, keys lower-case and without the <c>x-amz-meta-</c> prefix.</param>
/// <param name="ETag">Its entity tag, quotes removed.</param>
/// <param name="LastModified">When it was last written, when known.</param>
public sealed record ObjectInfo(
    long Size,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? ETag = null,
    DateTimeOffset? LastModified = null);

/// <summary>An object's first bytes and what is known about the whole of it.</summary>
/// <param name="Bytes">The bytes read from the start; all of them when <see cref="IsWhole" />.</param>
/// <param name="Object">The object's size, media type, metadata and entity tag.</param>
public sealed record ObjectPrefix(byte[] Bytes, ObjectInfo Object)
{
    /// <summary>The bytes are the entire object.</summary>
    public bool IsWhole => Bytes.Length == Object.Size;
}
