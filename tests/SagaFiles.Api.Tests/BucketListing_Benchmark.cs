using System.Diagnostics;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SagaFiles.Components.Data;
using SagaFiles.Testing;

namespace SagaFiles.Api.Tests;

/// <summary>
/// How fast a bucket source's lister reconciles a large bucket whose objects it already has (the run every schedule
/// makes once notifications keep up): one pass over SAGAFILES_BENCH_KEYS keys (default 20,000), two pages of 1,000 a
/// round trip each plus a ledger lookup per page. Not part of the suite (explicit); docs/benchmarks.md has its figures.
/// </summary>
[Explicit("a benchmark: run it by name")]
public class BucketListing_Benchmark
{
    [Test]
    public async Task A_pass_over_a_bucket_of_known_objects()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("SAGAFILES_BENCH_KEYS"), out var n) ? n : 20_000;
        var bucket = SagaFilesApp.SourceNames + "bench-" + Guid.NewGuid().ToString("N")[..12];
        using var s3 = TestStackSetUpFixture.Stack.CreateS3Client();
        await s3.PutBucketAsync(bucket);
        var putting = Stopwatch.StartNew();
        // One content for all: its ETag is md5('x'), which Postgres writes into the ledger below.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"in/{i:D6}", ContentBody = "x" }, ct));
        TestContext.Progress.WriteLine($"put {count} objects in {putting.Elapsed.TotalSeconds:F1} s");
        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO bucket_objects (id, bucket, key, etag, size, tenant, seen_by, status, taken_at, held_until)
                SELECT gen_random_uuid(), {bucket}, 'in/' || lpad(i::text, 6, '0'), md5('x'), 1, 'e2e-buckets', 'listing', 'Submitted', now(), now()
                FROM generate_series(0, {count - 1}) AS i
                """);

        await using var api = SagaFilesApp.NewApi(new Dictionary<string, string>
        {
            ["Messaging:Prefix"] = SagaFilesApp.MessagingPrefix + "_b", ["Sources:Buckets:0:Bucket"] = bucket, ["Sources:Buckets:0:Prefix"] = "in/",
            ["Sources:Buckets:0:Tenant"] = "e2e-buckets", ["Sources:Buckets:0:Schedule"] = "0 0 1 1 *"
        });
        _ = api.Services; // lists once at start-up
        var waiting = Stopwatch.StartNew();
        BucketCursor? cursor = null;
        while (cursor?.PassCompletedAt is null && waiting.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(100);
            await using var scope = SagaFilesApp.Services.CreateAsyncScope();
            cursor = await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketCursors.AsNoTracking()
                .SingleOrDefaultAsync(c => c.Source == $"s3://{bucket}/in/");
        }

        cursor!.PassCompletedAt.ShouldNotBeNull();
        var seconds = (cursor.PassCompletedAt - cursor.PassStartedAt)!.Value.TotalSeconds;
        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().BucketObjects.CountAsync(o => o.Bucket == bucket)).ShouldBe(count, "nothing new");
        TestContext.Progress.WriteLine($"Bucket relisting: {count} known keys in {seconds:F2} s = {count / seconds:F0} keys/s");
    }
}
