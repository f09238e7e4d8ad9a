using System.Text;
using NUnit.Framework;
using SagaFiles.Components.Tests.Support;
using SagaFiles.Processing.Hashing;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests.Storage;

/// <summary>S3ObjectStore against the emulator's S3 API.</summary>
public class S3ObjectStore_Specs
{
    TestStorage _storage = null!;
    S3ObjectStore _store = null!;
    string _bucket = null!;

    [OneTimeSetUp]
    public async Task CreateBuckets()
    {
        _storage = await TestStorage.CreateAsync();
        _store = _storage.Store;
        _bucket = _storage.Options.StagingBucket;
    }

    [OneTimeTearDown]
    public void Dispose() => _storage.Dispose();

    static string NewKey(string name) => $"specs/{Guid.NewGuid()}/{name}";

    [Test]
    public async Task A_small_object_is_stored_in_one_put_and_reads_back_with_its_type_and_metadata()
    {
        var key = NewKey("hello.txt");
        var bytes = "hello, world\n"u8.ToArray();

        var stored = await _store.PutAsync(_bucket, key, new MemoryStream(bytes), "text/plain",
            new Dictionary<string, string> { ["Origin"] = "spec", ["row-count"] = "12" });

        stored.ShouldBe(bytes.Length);
        (await _storage.ReadAllAsync(_bucket, key)).ShouldBe(bytes);
        var head = (await _store.HeadAsync(_bucket, key)).ShouldNotBeNull();
        head.Size.ShouldBe(bytes.Length);
        head.ContentType.ShouldBe("text/plain");
        head.Metadata.ShouldBe(new Dictionary<string, string> { ["origin"] = "spec", ["row-count"] = "12" }, ignoreOrder: true);
        head.ETag.ShouldNotBeNullOrEmpty();
    }

    [Test]
    public async Task A_20_MiB_stream_of_unknown_length_is_stored_in_parts_and_reads_back_intact()
    {
        const long length = 20L * 1024 * 1024 + 123;
        var key = NewKey("big.bin");

        var stored = await _store.PutAsync(_bucket, key, new GeneratedStream(length, seed: 7), "application/octet-stream",
            new Dictionary<string, string> { ["kind"] = "multipart" });

        stored.ShouldBe(length);
        var expected = await Sha256.ComputeAsync(new GeneratedStream(length, seed: 7));
        await using (var content = await _store.OpenReadAsync(_bucket, key))
            (await Sha256.ComputeAsync(content)).ShouldBe(expected);
        var head = (await _store.HeadAsync(_bucket, key)).ShouldNotBeNull();
        head.Size.ShouldBe(length);
        head.Metadata["kind"].ShouldBe("multipart");
        // S3 names a multipart object's ETag after its part count: 8 + 8 + 4 MiB.
        head.ETag.ShouldEndWith("-3");
        (await _storage.KeysAsync(_bucket, key)).ShouldBe([key]);
    }

    [Test]
    public async Task A_stream_of_exactly_one_part_is_stored_whole()
    {
        var key = NewKey("one-part.bin");

        var stored = await _store.PutAsync(_bucket, key, new GeneratedStream(S3ObjectStore.PartSize, seed: 3), "application/octet-stream");

        stored.ShouldBe(S3ObjectStore.PartSize);
        (await _store.HeadAsync(_bucket, key)).ShouldNotBeNull().Size.ShouldBe(S3ObjectStore.PartSize);
    }

    [Test]
    public async Task An_empty_stream_is_stored_as_an_empty_object()
    {
        var key = NewKey("empty");

        (await _store.PutAsync(_bucket, key, new MemoryStream(), "application/octet-stream")).ShouldBe(0);

        (await _store.HeadAsync(_bucket, key)).ShouldNotBeNull().Size.ShouldBe(0);
        var empty = await _store.ReadPrefixAsync(_bucket, key, 64);
        (empty.Bytes.Length, empty.Object.Size, empty.IsWhole).ShouldBe((0, 0L, true));
    }

    [Test]
    public async Task A_prefix_read_returns_only_the_first_bytes_or_the_whole_of_a_shorter_object()
    {
        var key = NewKey("digits.txt");
        await _store.PutAsync(_bucket, key, new MemoryStream("0123456789"u8.ToArray()), "text/plain");

        var start = await _store.ReadPrefixAsync(_bucket, key, 4);
        (Encoding.ASCII.GetString(start.Bytes), start.IsWhole).ShouldBe(("0123", false));
        var all = await _store.ReadPrefixAsync(_bucket, key, 64 * 1024);
        (Encoding.ASCII.GetString(all.Bytes), all.IsWhole).ShouldBe(("0123456789", true));
        foreach (var read in new[] { start, all })
        {
            var head = (await _store.HeadAsync(_bucket, key)).ShouldNotBeNull();
            read.Object.ShouldBe(head with { Metadata = read.Object.Metadata }, "the read tells what a HEAD does: the whole object's size, type and tag");
            read.Object.Metadata.ShouldBe(head.Metadata);
        }
    }

    [Test]
    public async Task A_missing_object_has_no_head_and_cannot_be_read_or_copied()
    {
        var key = NewKey("missing");

        (await _store.HeadAsync(_bucket, key)).ShouldBeNull();
        (await Should.ThrowAsync<ObjectNotFoundException>(() => _store.OpenReadAsync(_bucket, key))).Key.ShouldBe(key);
        await Should.ThrowAsync<ObjectNotFoundException>(() => _store.ReadPrefixAsync(_bucket, key, 10));
        await Should.ThrowAsync<ObjectNotFoundException>(() =>
            _store.CopyAsync(new ObjectLocation(_bucket, key), new ObjectLocation(_bucket, NewKey("copy"))));
    }

    [Test]
    public async Task Copying_into_a_missing_bucket_names_that_bucket_and_is_not_a_missing_object()
    {
        var source = new ObjectLocation(_bucket, NewKey("source.csv"));
        await _store.PutAsync(source.Bucket, source.Key, new MemoryStream("a\n1\n"u8.ToArray()), "text/csv");
        var missing = $"missing-{Guid.NewGuid():N}";

        var error = await Should.ThrowAsync<BucketNotFoundException>(() => _store.CopyAsync(source, new ObjectLocation(missing, "out.csv")));

        error.Message.ShouldBe($"Cannot copy s3://{source.Bucket}/{source.Key} to s3://{missing}/out.csv: bucket {missing} does not exist.");
        error.Bucket.ShouldBe(missing);
        error.IsTransient.ShouldBeFalse("creating the bucket fixes it, not another try in a moment");
    }

    [Test]
    public async Task Any_other_S3_error_reaches_the_caller_as_a_storage_error_that_says_whether_to_retry()
    {
        var missing = $"missing-{Guid.NewGuid():N}";

        var error = await Should.ThrowAsync<StorageException>(() => _store.PutAsync(missing, "a.txt", new MemoryStream("a"u8.ToArray()), "text/plain"));

        error.GetType().ShouldBe(typeof(StorageException));
        error.IsTransient.ShouldBeFalse();
    }

    [Test]
    public async Task A_copy_keeps_the_source_metadata_unless_new_metadata_replaces_it()
    {
        var source = new ObjectLocation(_bucket, NewKey("source.csv"));
        await _store.PutAsync(source.Bucket, source.Key, new MemoryStream("a,b\n1,2\n"u8.ToArray()), "text/csv",
            new Dictionary<string, string> { ["original"] = "yes" });

        var kept = new ObjectLocation(_storage.Options.ProcessedBucket, NewKey("kept.csv"));
        var keptInfo = await _store.CopyAsync(source, kept);
        var replaced = new ObjectLocation(_storage.Options.ProcessedBucket, NewKey("replaced.csv"));
        var replacedInfo = await _store.CopyAsync(source, replaced, new Dictionary<string, string> { ["sha256"] = "abc", ["format"] = "original" });

        keptInfo.Size.ShouldBe(8);
        var keptHead = (await _store.HeadAsync(kept.Bucket, kept.Key)).ShouldNotBeNull();
        keptHead.Metadata.ShouldBe(new Dictionary<string, string> { ["original"] = "yes" }, ignoreOrder: true);
        keptHead.ContentType.ShouldBe("text/csv");

        replacedInfo.Metadata.ShouldBe(new Dictionary<string, string> { ["sha256"] = "abc", ["format"] = "original" }, ignoreOrder: true);
        var replacedHead = (await _store.HeadAsync(replaced.Bucket, replaced.Key)).ShouldNotBeNull();
        replacedHead.Metadata.ShouldBe(replacedInfo.Metadata, ignoreOrder: true);
        replacedHead.ContentType.ShouldBe("text/csv");
        (await _storage.ReadAllAsync(replaced.Bucket, replaced.Key)).ShouldBe("a,b\n1,2\n"u8.ToArray());
    }

    [Test]
    public async Task Metadata_that_cannot_travel_as_a_header_is_refused_before_anything_is_sent()
    {
        var key = NewKey("refused");

        await Should.ThrowAsync<ArgumentException>(() => _store.PutAsync(_bucket, key, new MemoryStream([1]), "application/octet-stream",
            new Dictionary<string, string> { ["name"] = "résumé.csv" }));

        (await _store.HeadAsync(_bucket, key)).ShouldBeNull();
    }

    [Test]
    public async Task Deleting_a_prefix_deletes_every_object_under_it_and_nothing_else()
    {
        var root = NewKey("");
        var inside = Enumerable.Range(0, 5).Select(i => $"{root}staging/{i}").Append($"{root}staging/deeper/x").ToList();
        var outside = $"{root}staging-other/keep";
        foreach (var key in inside.Append(outside))
            await _store.PutAsync(_bucket, key, new MemoryStream([1, 2, 3]), "application/octet-stream");

        (await _store.DeletePrefixAsync(_bucket, $"{root}staging/")).ShouldBe(inside.Count);
        (await _store.DeletePrefixAsync(_bucket, $"{root}staging/")).ShouldBe(0);

        (await _storage.KeysAsync(_bucket, root)).ShouldBe([outside]);
    }

    [Test]
    public async Task Deleting_named_keys_deletes_those_objects_only_and_a_key_already_gone_is_no_error()
    {
        var root = NewKey("");
        string[] named = [$"{root}staging/original", $"{root}staging/result/a.parquet"];
        var kept = $"{root}staging/result/b.parquet";
        foreach (var key in named.Append(kept))
            await _store.PutAsync(_bucket, key, new MemoryStream([1, 2, 3]), "application/octet-stream");

        (await _store.AnyAsync(_bucket, $"{root}staging/original")).ShouldBeTrue();
        await _store.DeleteAsync(_bucket, [.. named, $"{root}staging/never-there"]);
        await _store.DeleteAsync(_bucket, named);

        (await _storage.KeysAsync(_bucket, root)).ShouldBe([kept]);
        (await _store.AnyAsync(_bucket, $"{root}staging/original")).ShouldBeFalse();
        (await _store.AnyAsync(_bucket, $"{root}staging/")).ShouldBeTrue();
    }

    [Test]
    public async Task A_download_url_serves_the_bytes_without_credentials()
    {
        var key = NewKey("report 2026 (final).csv");
        var bytes = "id,value\n1,\"ü\"\n"u8.ToArray();
        await _store.PutAsync(_bucket, key, new MemoryStream(bytes), "text/csv");

        var url = _store.GetDownloadUrl(_bucket, key, TimeSpan.FromMinutes(5), "Bericht für 2026.csv");

        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        query["response-content-disposition"].ShouldBe("attachment; filename=\"Bericht f_r 2026.csv\"; filename*=UTF-8''Bericht%20f%C3%BCr%202026.csv");
        // The SDK counts the lifetime from the moment it signs, rounding up.
        int.Parse(query["X-Amz-Expires"]!).ShouldBeInRange(299, 301);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);
    }

    [Test]
    public async Task Ensuring_the_buckets_again_changes_nothing()
    {
        var key = NewKey("survivor");
        await _store.PutAsync(_storage.Options.IncomingBucket, key, new MemoryStream([42]), "application/octet-stream");

        await _store.EnsureBucketsAsync();
        await _store.EnsureBucketsAsync();

        foreach (var bucket in _storage.Options.Buckets)
            (await _store.BucketExistsAsync(bucket)).ShouldBeTrue();
        (await _store.HeadAsync(_storage.Options.IncomingBucket, key)).ShouldNotBeNull();
    }
}
