using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Testing;

namespace SagaFiles.Api.Tests;

/// <summary>
/// Sources:Buckets end to end: API instances with a bucket source on the emulator's S3, the ledger (bucket_objects) and
/// the cursor (bucket_cursors) in Postgres. fauxqs has no bucket notifications: the specs send S3's event JSON to the
/// source's queue themselves. The sources' instances publish on a queue prefix of their own, which no worker reads: what
/// is checked here is that each object enters (recorded and announced) once; processing is the other specs' business.
/// </summary>
public class BucketSource_Specs
{
    const string Tenant = "e2e-buckets";

    static readonly string UnreadPrefix = SagaFilesApp.MessagingPrefix + "_b";

    IAmazonS3 _s3 = null!;
    IAmazonSQS _sqs = null!;
    string _bucket = "";
    readonly List<WebApplicationFactory<Program>> _apis = [];

    [SetUp]
    public async Task CreateBucket()
    {
        _s3 = TestStackSetUpFixture.Stack.CreateS3Client();
        _sqs = TestStackSetUpFixture.Stack.CreateSqsClient();
        _bucket = SagaFilesApp.SourceNames + Guid.NewGuid().ToString("N")[..16];
        await _s3.PutBucketAsync(_bucket);
    }

    [TearDown]
    public async Task StopApis()
    {
        foreach (var api in _apis)
            await api.DisposeAsync();
        _s3.Dispose();
        _sqs.Dispose();
    }

    /// <summary>An API instance with the bucket source (plus <paramref name="more" /> settings), started.</summary>
    WebApplicationFactory<Program> Listing(string bucket, string schedule = "* * * * * *", Dictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Messaging:Prefix"] = UnreadPrefix,
            ["Sources:Buckets:0:Bucket"] = bucket,
            ["Sources:Buckets:0:Prefix"] = "in/",
            ["Sources:Buckets:0:Tenant"] = Tenant,
            ["Sources:Buckets:0:Tags:source"] = "bucket",
            ["Sources:Buckets:0:Schedule"] = schedule
        };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        var api = SagaFilesApp.NewApi(settings);
        _apis.Add(api);
        _ = api.Services; // starts the host and its hosted services
        return api;
    }

    async Task<List<BucketObject>> Ledger()
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketObjects.AsNoTracking().Where(o => o.Bucket == _bucket).ToListAsync();
    }

    /// <summary>
    /// The tenant's files named as this spec's bucket's objects (the keys differ between specs), counted apart from the
    /// ledger's own record of them: a second file for one object would be here.
    /// </summary>
    async Task<List<FileState>> Files()
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        var keys = await db.BucketObjects.Where(o => o.Bucket == _bucket).Select(o => o.Key).ToListAsync();
        return await db.Files.AsNoTracking().Where(f => f.Tenant == Tenant && keys.Contains(f.OriginalName)).ToListAsync();
    }

    async Task<string> PutAsync(string key, string content)
    {
        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = content });
        return put.ETag.Trim('"');
    }

    static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 90) =>
        Api.Tests.Eventually.Until(read, done, what, seconds, logsAbout: "Bucket");

    [Test]
    public async Task A_thousand_objects_listed_by_two_instances_at_once_enter_once_each_and_a_new_object_once_more()
    {
        const int count = 1000;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = $"in/{i:D4}.bin", ContentBody = $"object {i}\n" }, ct));
        // Outside the prefix and a "folder" placeholder: neither is a file of the source.
        await PutAsync("elsewhere/x.bin", "not the source's");
        await PutAsync("in/folder/", "");

        // Two instances, each listing every second from start-up on.
        Listing(_bucket);
        Listing(_bucket);

        // Generous: at a load of 30-60 on two cores, this machine took 1,000 in about 60-110 s.
        var rows = await Eventually(Ledger, r => r.Count >= count && r.All(o => o.Status == BucketObjectStatus.Submitted), $"{count} objects submitted",
            seconds: 300);
        var rate = count / (rows.Max(o => o.SettledAt!.Value) - rows.Min(o => o.TakenAt)).TotalSeconds;
        TestContext.Progress.WriteLine($"Bucket listing: {count} objects entered in {count / rate:F2} s = {rate:F0} objects/s (two instances, parallelism 4)");
        // A few more passes of both listers.
        await Task.Delay(3000);
        rows = await Ledger();
        rows.Count.ShouldBe(count, "one row per object version, across two listers");
        rows.Select(o => o.Key).Distinct().Count().ShouldBe(count);
        rows.ShouldAllBe(o => o.Key.StartsWith("in/") && !o.Key.EndsWith('/') && o.SeenBy == "listing" && o.Tenant == Tenant);
        var files = await Files();
        files.Count.ShouldBe(count, "each object entered exactly once");
        files.Select(f => f.OriginalName).Order().ShouldBe(rows.Select(o => o.Key).Order());
        files.ShouldAllBe(f => f.Tags["source"] == "bucket" && f.Tenant == Tenant);

        // A whole pass over the known objects (two pages), as a reconciliation of a bucket with nothing new runs.
        var entered = rows.Max(o => o.SettledAt!.Value);
        var pass = await Eventually(Cursor, c => c.PassStartedAt > entered && c.PassCompletedAt > c.PassStartedAt, "a pass over the known objects");
        pass.Error.ShouldBeNull();
        TestContext.Progress.WriteLine(
            $"Bucket relisting: {count + 2} known keys in {(pass.PassCompletedAt - pass.PassStartedAt)!.Value.TotalSeconds:F2} s, nothing new");

        var etag = await PutAsync("in/later.bin", "one more\n");
        var later = await Eventually(Ledger, r => r.Any(o => o.Key == "in/later.bin" && o.Status == BucketObjectStatus.Submitted), "the new object taken");
        later.Single(o => o.Key == "in/later.bin").ETag.ShouldBe(etag);
        await Task.Delay(2500);
        (await Ledger()).Count.ShouldBe(count + 1);
        (await Files()).Count.ShouldBe(count + 1, "the new object entered once");
    }

    async Task<BucketCursor> Cursor()
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketCursors.AsNoTracking().SingleAsync(c => c.Source == $"s3://{_bucket}/in/");
    }

    [Test]
    public async Task A_lister_stopped_mid_bucket_resumes_after_the_last_key_it_recorded_and_the_next_pass_starts_from_the_first()
    {
        foreach (var key in new[] { "in/a.bin", "in/b.bin", "in/c.bin" })
            await PutAsync(key, key);
        // Where a lister that died after its page ending at in/b.bin left its cursor.
        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
            db.BucketCursors.Add(new BucketCursor { Source = $"s3://{_bucket}/in/", AfterKey = "in/b.bin", PassStartedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Lists at start-up only: the schedule's next run is a year away.
        Listing(_bucket, schedule: "0 0 1 1 *");
        await Eventually(Cursor, c => c.AfterKey == null && c.PassCompletedAt != null, "the pass completed");
        (await Ledger()).Select(o => o.Key).ShouldBe(["in/c.bin"], "only what came after the cursor was listed");

        // The pass was complete: the next one (another instance's start-up) begins at the first key.
        Listing(_bucket, schedule: "0 0 1 1 *");
        var rows = await Eventually(Ledger, r => r.Count == 3 && r.All(o => o.Status == BucketObjectStatus.Submitted), "the first keys taken");
        rows.Select(o => o.Key).Order().ShouldBe(["in/a.bin", "in/b.bin", "in/c.bin"]);
        (await Files()).Count.ShouldBe(3);
    }

    [Test]
    public async Task A_notification_for_a_listed_object_adds_nothing_and_one_for_a_new_object_enters_it()
    {
        var queue = SagaFilesApp.SourceNames + Guid.NewGuid().ToString("N")[..16];
        var queueUrl = (await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = queue, Attributes = new() { ["VisibilityTimeout"] = "5" } })).QueueUrl;
        var listedETag = await PutAsync("in/listed.csv", "id\n1\n");
        // Listed at start-up only: the schedule's next run is a year away.
        Listing(_bucket, schedule: "0 0 1 1 *", more: new() { ["Sources:Buckets:0:Queue"] = queue });
        await Eventually(Ledger, r => r.Any(o => o.Key == "in/listed.csv" && o.Status == BucketObjectStatus.Submitted), "the old object listed");

        // A key with a space and a plus, as S3 encodes it in the event.
        const string newKey = "in/new dir/a+b c.csv";
        var newETag = await PutAsync(newKey, "id\n2\n");
        await _sqs.SendMessageAsync(queueUrl, S3EventJson.TestEvent(_bucket));
        await _sqs.SendMessageAsync(queueUrl, "not an S3 event");
        // The listed object, an object of another bucket and one outside the prefix, then the new one; through SNS.
        await _sqs.SendMessageAsync(queueUrl, S3EventJson.ThroughSns(S3EventJson.ObjectCreated(_bucket, [("in/listed.csv", listedETag, 5)])));
        await _sqs.SendMessageAsync(queueUrl, S3EventJson.ObjectCreated("e2e-src-another", [("in/listed.csv", listedETag, 5)]));
        await _sqs.SendMessageAsync(queueUrl, S3EventJson.ThroughSns(
            S3EventJson.ObjectCreated(_bucket, [("elsewhere/x.csv", listedETag, 5), (newKey, newETag, 5)], "ObjectCreated:CompleteMultipartUpload")));

        var rows = await Eventually(Ledger, r => r.Any(o => o.Key == newKey && o.Status == BucketObjectStatus.Submitted), "the new object taken");
        await Eventually(async () => (await _sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]))
                .Attributes.Values.Sum(int.Parse),
            n => n == 0, "every message done with and deleted (the test event and the stranger too)", seconds: 30);
        rows = await Ledger();
        rows.Select(o => (o.Key, o.SeenBy)).Order().ShouldBe([("in/listed.csv", "listing"), (newKey, "notification")]);
        rows.Single(o => o.Key == newKey).ETag.ShouldBe(newETag);
        var files = await Files();
        files.Select(f => f.OriginalName).Order().ShouldBe(["in/listed.csv", newKey], Case.Sensitive, "the listed object's notification added nothing");
        files.Single(f => f.OriginalName == newKey).Size.ShouldBe(5);
    }

    [Test]
    public async Task An_object_notified_but_gone_before_it_is_read_is_recorded_failed_with_the_reason()
    {
        var queue = SagaFilesApp.SourceNames + Guid.NewGuid().ToString("N")[..16];
        var queueUrl = (await _sqs.CreateQueueAsync(queue)).QueueUrl;
        Listing(_bucket, schedule: "0 0 1 1 *", more: new() { ["Sources:Buckets:0:Queue"] = queue });
        var etag = await PutAsync("in/gone.csv", "id\n4\n");
        await _s3.DeleteObjectAsync(_bucket, "in/gone.csv");

        await _sqs.SendMessageAsync(queueUrl, S3EventJson.ObjectCreated(_bucket, [("in/gone.csv", etag, 5)]));

        var row = (await Eventually(Ledger, r => r.Any(o => o.Status == BucketObjectStatus.Failed), "recorded Failed", seconds: 60)).ShouldHaveSingleItem();
        (row.Key, row.ETag, row.SeenBy, row.FileId).ShouldBe(("in/gone.csv", etag, "notification", (Guid?)null));
        row.Error.ShouldBe("The object vanished before it could be read.");
        (await Files()).ShouldBeEmpty();
    }

    [Test]
    public async Task A_source_set_to_move_moves_each_object_it_took_out_of_its_prefix_and_keeps_its_copy()
    {
        await PutAsync("in/moved.csv", "id\n3\n");
        Listing(_bucket, more: new() { ["Sources:Buckets:0:After"] = "Move", ["Sources:Buckets:0:MoveToPrefix"] = "done/" });

        await Eventually(async () => (await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket })).S3Objects?.Select(o => o.Key).ToList() ?? [],
            keys => keys.SequenceEqual(["done/moved.csv"]), "moved to done/");
        await Task.Delay(2500); // more passes: the moved object is outside the prefix
        var rows = await Ledger();
        rows.Select(o => (o.Key, o.Status)).ShouldBe([("in/moved.csv", BucketObjectStatus.Submitted)]);
        var file = (await Files()).ShouldHaveSingleItem();
        file.Size.ShouldBe(5, "SagaFiles keeps its own copy of the bytes");
    }

    [Test]
    public async Task A_missing_bucket_shows_in_readiness_naming_the_source_and_is_tried_again_on_its_schedule()
    {
        var missing = SagaFilesApp.SourceNames + "missing-" + Guid.NewGuid().ToString("N")[..12];
        var api = Listing(missing);
        using var client = api.CreateClient();

        var degraded = await Eventually(() => BucketSourcesCheck(client), check => check.GetProperty("status").GetString() == "Degraded", "Degraded", seconds: 30);
        degraded.GetProperty("description").GetString().ShouldBe($"s3://{missing}/in/: The bucket {missing} does not exist (NoSuchBucket).");
        SagaFilesApp.Logs.Lines.ShouldContain(l => l.Contains(missing) && l.Contains("does not exist"));

        // The bucket appears: the next run on the schedule lists it and the source is healthy again.
        await _s3.PutBucketAsync(missing);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = missing, Key = "in/first.bin", ContentBody = "at last\n" });
        await Eventually(async () => (await BucketSourcesCheck(client)).GetProperty("status").GetString(), status => status == "Healthy", "Healthy again",
            seconds: 30);
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketObjects.CountAsync(o => o.Bucket == missing && o.Key == "in/first.bin"))
            .ShouldBe(1);
    }

    /// <summary>The <c>bucket-sources</c> entry of <c>/health/ready</c> (answered 503 while another check, such as the bus starting, fails).</summary>
    static async Task<JsonElement> BucketSourcesCheck(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return health.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "bucket-sources").Clone();
    }

    [TestCase("Schedule", "every minute", "Sources:Buckets:0:Schedule 'every minute' is not a cron expression")]
    [TestCase("Bucket", "", "Sources:Buckets:0:Bucket '' must be 3 to 63 characters long.")]
    [TestCase("After", "Move", "Sources:Buckets:0:MoveToPrefix is needed when After is Move.")]
    public void A_bucket_source_with_a_wrong_setting_stops_the_api_at_start_naming_it(string setting, string value, string message)
    {
        var api = SagaFilesApp.NewApi(new Dictionary<string, string>
        {
            ["Sources:Buckets:0:Bucket"] = _bucket, ["Sources:Buckets:0:Tenant"] = Tenant, [$"Sources:Buckets:0:{setting}"] = value
        });
        _apis.Add(api);

        var failure = Should.Throw<OptionsValidationException>(() => api.Services);

        failure.Message.ShouldContain(message);
    }
}
