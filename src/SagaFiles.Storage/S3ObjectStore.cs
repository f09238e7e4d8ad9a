using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace SagaFiles.Storage;

/// <summary><see cref="IObjectStore" /> on Amazon S3 (or an emulator speaking its API).</summary>
public sealed class S3ObjectStore(IAmazonS3 s3, IOptions<StorageOptions> options) : IObjectStore, IMultipartStore
{
    /// <summary>Uploads up to this size are one PutObject; longer ones are multipart uploads in parts of this size.</summary>
    public const int PartSize = 8 * 1024 * 1024;

    const string MetadataPrefix = "x-amz-meta-";
    const int DeleteBatchSize = 1000;

    public async Task<long> PutAsync(string bucket, string key, Stream content, string contentType,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ThrowIfNotAscii(metadata);

        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            var read = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            if (read < PartSize)
            {
                var request = new PutObjectRequest
                {
                    BucketName = bucket, Key = key, ContentType = contentType, InputStream = Slice(buffer, read), AutoCloseStream = true
                };
                AddMetadata(request.Metadata, metadata);
                await s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
                return read;
            }

            return await PutMultipartAsync(bucket, key, content, contentType, metadata, buffer, read, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Uploads <paramref name="buffer" />'s first part and the rest of <paramref name="content" />, one part in memory at a time.</summary>
    async Task<long> PutMultipartAsync(string bucket, string key, Stream content, string contentType,
        IReadOnlyDictionary<string, string>? metadata, byte[] buffer, int read, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType };
        AddMetadata(initiate.Metadata, metadata);
        var uploadId = (await s3.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            long total = 0;
            // A full buffer may be followed by nothing: a part is sent only when it has bytes (or is the only one).
            while (read > 0)
            {
                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = parts.Count + 1, PartSize = read,
                    InputStream = Slice(buffer, read)
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                total += read;
                read = read < PartSize ? 0 : await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            }

            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts
            }, cancellationToken).ConfigureAwait(false);
            return total;
        }
        catch
        {
            // Uploaded parts are billed until aborted; the caller's token may already be cancelled.
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId },
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonServiceException)
            {
                // The upload's own failure is the one to report; a lifecycle rule cleans up what the abort missed.
            }

            throw;
        }
    }

    public async Task<Stream> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(bucket, key, e);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task<ObjectPrefix> ReadPrefixAsync(string bucket, string key, int bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket, Key = key, ByteRange = new ByteRange(0, bytes - 1)
            }, cancellationToken).ConfigureAwait(false);
            var prefix = new byte[bytes];
            var read = await response.ResponseStream.ReadAtLeastAsync(prefix, bytes, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            // A ranged answer names the whole object's length after the slash ("bytes 0-65535/1048576"); a store that
            // answers with the whole object instead sends it all.
            var size = TotalLength(response.ContentRange) ?? response.ContentLength;
            return new ObjectPrefix(read == bytes ? prefix : prefix[..read],
                InfoOf(size, response.Headers, response.Metadata, response.ETag, response.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The object is empty: no byte satisfies the range, and the answer says nothing else about it.
            return new ObjectPrefix([], await HeadAsync(bucket, key, cancellationToken).ConfigureAwait(false) ??
                throw new ObjectNotFoundException(bucket, key));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(bucket, key, e);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    static long? TotalLength(string? contentRange) =>
        contentRange?.LastIndexOf('/') is { } slash and >= 0 &&
        long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            ? total
            : null;

    static ObjectInfo InfoOf(long size, HeadersCollection headers, MetadataCollection metadata, string? etag, DateTime? lastModified) =>
        new(size, headers.ContentType ?? "application/octet-stream",
            metadata.Keys.ToDictionary(
                k => (k.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) ? k[MetadataPrefix.Length..] : k).ToLowerInvariant(),
                k => metadata[k]),
            etag?.Trim('"'), lastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : null);

    public async Task<ObjectInfo?> HeadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken)
                .ConfigureAwait(false);
            return InfoOf(response.ContentLength, response.Headers, response.Metadata, response.ETag, response.LastModified);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task<ObjectInfo> CopyAsync(ObjectLocation source, ObjectLocation destination,
        IReadOnlyDictionary<string, string>? metadata = null, ObjectInfo? sourceInfo = null, CancellationToken cancellationToken = default)
    {
        ThrowIfNotAscii(metadata);
        var original = sourceInfo ?? await HeadAsync(source.Bucket, source.Key, cancellationToken).ConfigureAwait(false) ??
            throw new ObjectNotFoundException(source.Bucket, source.Key);
        if (original.Size > StorageOptions.MaxCopyBytes)
            throw new NotSupportedException($"{source} is {original.Size} bytes: CopyObject copies at most 5 GiB.");

        var request = new CopyObjectRequest
        {
            SourceBucket = source.Bucket, SourceKey = source.Key, DestinationBucket = destination.Bucket, DestinationKey = destination.Key
        };
        if (metadata != null)
        {
            // REPLACE replaces the media type too: carry the source's over.
            request.MetadataDirective = S3MetadataDirective.REPLACE;
            request.ContentType = original.ContentType;
            AddMetadata(request.Metadata, metadata);
        }

        try
        {
            var response = await s3.CopyObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return original with
            {
                Metadata = metadata?.ToDictionary(m => m.Key.ToLowerInvariant(), m => m.Value) ?? original.Metadata,
                ETag = response.ETag?.Trim('"'),
                LastModified = null
            };
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchBucket")
        {
            // The source was just there: the destination's bucket is missing. Not the source's fault, and creating the
            // bucket fixes it, so not an ObjectNotFoundException (which fails a file for good).
            throw new BucketNotFoundException(destination.Bucket,
                $"Cannot copy {source} to {destination}: bucket {destination.Bucket} does not exist.", e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(source.Bucket, source.Key, e);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task<int> DeletePrefixAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix); // an empty prefix would empty the bucket
        var deleted = 0;
        string? continuation = null;
        try
        {
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = bucket, Prefix = prefix, ContinuationToken = continuation, MaxKeys = DeleteBatchSize
                }, cancellationToken).ConfigureAwait(false);
                if (page.S3Objects is { Count: > 0 } objects)
                {
                    await DeleteObjectsAsync(bucket, objects.Select(o => o.Key), $"under s3://{bucket}/{prefix}", cancellationToken).ConfigureAwait(false);
                    deleted += objects.Count;
                }

                continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
            } while (continuation != null);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }

        return deleted;
    }

    public async Task<bool> AnyAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        try
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = 1 }, cancellationToken)
                .ConfigureAwait(false);
            return page.S3Objects is { Count: > 0 };
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task DeleteAsync(string bucket, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        try
        {
            foreach (var batch in keys.Chunk(DeleteBatchSize))
                await DeleteObjectsAsync(bucket, batch, $"in s3://{bucket}", cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    /// <summary>One DeleteObjects request (at most <see cref="DeleteBatchSize" /> keys); objects already gone count as deleted.</summary>
    async Task DeleteObjectsAsync(string bucket, IEnumerable<string> keys, string where, CancellationToken cancellationToken)
    {
        var response = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Quiet = true, Objects = keys.Select(key => new KeyVersion { Key = key }).ToList()
        }, cancellationToken).ConfigureAwait(false);
        if (response.DeleteErrors is { Count: > 0 } errors)
            throw new StorageException($"Could not delete {errors.Count} object(s) {where}: " +
                string.Join("; ", errors.Take(3).Select(e => $"{e.Key}: {e.Code} {e.Message}")), isTransient: true);
    }

    public Uri GetDownloadUrl(string bucket, string key, TimeSpan lifetime, string? downloadFileName = null)
    {
        var request = PresignRequest(bucket, key, HttpVerb.GET, lifetime);
        if (!string.IsNullOrEmpty(downloadFileName))
            request.ResponseHeaderOverrides.ContentDisposition = ContentDisposition(downloadFileName);
        return new Uri(s3.GetPreSignedURL(request));
    }

    GetPreSignedUrlRequest PresignRequest(string bucket, string key, HttpVerb verb, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = verb, Expires = DateTime.UtcNow.Add(lifetime),
            // An emulator's plain-http endpoint must not be signed as https.
            Protocol = s3.Config.ServiceURL?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS
        };
    }

    public async Task<string> StartAsync(string bucket, string key, string contentType, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = bucket, Key = key, ContentType = contentType
            }, cancellationToken).ConfigureAwait(false);
            return response.UploadId;
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task<string> PutPartAsync(string bucket, string key, string uploadId, int partNumber, Stream content, long size,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, IMultipartStore.MaxParts);
        try
        {
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = partNumber, PartSize = size,
                InputStream = content
            }, cancellationToken).ConfigureAwait(false);
            return response.ETag.Trim('"');
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            throw new MultipartUploadNotFoundException(uploadId, e);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task CompleteAsync(string bucket, string key, string uploadId, IReadOnlyList<(int Number, string ETag)> parts,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts.Select(p => new PartETag(p.Number, $"\"{p.ETag}\"")).ToList()
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            throw new MultipartUploadNotFoundException(uploadId, e);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "InvalidPart" or "EntityTooSmall" or "InvalidPartOrder")
        {
            throw new MultipartPartsRejectedException(e.ErrorCode, e.Message, e);
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public async Task<bool> AbortAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchUpload")
        {
            return false;
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    public Uri GetPartUploadUrl(string bucket, string key, string uploadId, int partNumber, TimeSpan lifetime)
    {
        var request = PresignRequest(bucket, key, HttpVerb.PUT, lifetime);
        request.UploadId = uploadId;
        request.PartNumber = partNumber;
        return new Uri(s3.GetPreSignedURL(request));
    }

    public async Task EnsureBucketsAsync(CancellationToken cancellationToken = default)
    {
        foreach (var bucket in options.Value.Buckets)
        {
            if (await BucketExistsAsync(bucket, cancellationToken).ConfigureAwait(false))
                continue;
            try
            {
                // Outside us-east-1, S3 refuses a bucket created without its region as the location constraint.
                var request = new PutBucketRequest { BucketName = bucket };
                if (s3.Config.RegionEndpoint?.SystemName is { } region && region != "us-east-1")
                    request.BucketRegionName = region;
                await s3.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou")
            {
                // Another process created it first.
            }
            catch (AmazonServiceException e)
            {
                throw S3Errors.ToStorageException(e);
            }
        }
    }

    /// <summary>Whether <paramref name="bucket" /> exists (and can be listed).</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken = default)
    {
        try
        {
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonServiceException e)
        {
            throw S3Errors.ToStorageException(e);
        }
    }

    /// <summary><c>attachment</c> with an ASCII fallback name and the exact name in RFC 5987 form.</summary>
    static string ContentDisposition(string fileName)
    {
        var fallback = new StringBuilder(fileName.Length);
        foreach (var c in fileName)
            fallback.Append(c is >= ' ' and < (char)0x7F and not ('"' or '\\') ? c : '_');
        return $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }

    static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken) =>
        await content.ReadAtLeastAsync(buffer.AsMemory(0, PartSize), PartSize, throwOnEndOfStream: false, cancellationToken)
            .ConfigureAwait(false);

    static MemoryStream Slice(byte[] buffer, int length) => new(buffer, 0, length, writable: false);

    static void AddMetadata(MetadataCollection target, IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            target.Add(key.ToLowerInvariant(), value);
    }

    static void ThrowIfNotAscii(IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (key.Length == 0 || !Ascii.IsValid(key) || !Ascii.IsValid(value) || key.Any(char.IsControl) || value.Any(char.IsControl))
                throw new ArgumentException($"Metadata '{key}' must be a non-empty ASCII key with an ASCII value (they travel as HTTP headers).",
                    nameof(metadata));
        }
    }
}
