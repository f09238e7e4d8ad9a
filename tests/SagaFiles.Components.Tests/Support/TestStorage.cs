using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using SagaFiles.Storage;
using SagaFiles.Testing;

namespace SagaFiles.Components.Tests.Support;

/// <summary>
/// The emulator's real S3 API with three buckets of its own (incoming, staging, processed), so spec classes running
/// against the same emulator never see each other's objects.
/// </summary>
public sealed class TestStorage : IDisposable
{
    TestStorage(IAmazonS3 s3, StorageOptions options)
    {
        S3 = s3;
        Options = options;
        Store = new S3ObjectStore(s3, Microsoft.Extensions.Options.Options.Create(options));
    }

    public IAmazonS3 S3 { get; }

    public StorageOptions Options { get; }

    public S3ObjectStore Store { get; }

    public static async Task<TestStorage> CreateAsync()
    {
        var stack = TestStackSetUpFixture.Stack;
        var s3 = S3ClientFactory.Create(stack.Region, stack.AwsServiceUrl, stack.Credentials);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var storage = new TestStorage(s3, new StorageOptions
        {
            IncomingBucket = $"test-incoming-{suffix}", StagingBucket = $"test-staging-{suffix}", ProcessedBucket = $"test-processed-{suffix}"
        });
        await storage.Store.EnsureBucketsAsync();
        return storage;
    }

    /// <summary>Every key in <paramref name="bucket" /> under <paramref name="prefix" />, in order.</summary>
    public async Task<List<string>> KeysAsync(string bucket, string prefix)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = continuation });
            keys.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (continuation != null);

        return keys;
    }

    public async Task<byte[]> ReadAllAsync(string bucket, string key)
    {
        await using var content = await Store.OpenReadAsync(bucket, key);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        return copy.ToArray();
    }

    public void Dispose() => S3.Dispose();
}
