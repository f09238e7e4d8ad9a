using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Medallion.Threading.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.Data;

namespace SagaFiles.Sources.Buckets;

/// <summary>
/// The reconciling lister of one bucket source: finds what notifications missed (lost, late, or objects older than the
/// source). One lister at a time across every API instance, through a Postgres advisory lock per source; it lists from
/// the cursor it keeps in <c>bucket_cursors</c> (the last key of the last page done), so a lister that died resumes
/// there, and starts again from the first key once a pass is complete. Objects the ledger has are skipped.
/// </summary>
sealed class BucketLister(BucketSourceOptions source, string connectionString, IAmazonS3 s3, IServiceScopeFactory scopes, TimeProvider clock, ILogger logger)
{
    /// <summary>S3's largest page.</summary>
    const int PageSize = 1000;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // Once at start-up (a new source lists its old objects now), then on the schedule.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or S3 away for a moment: the next run on the schedule tries again from the cursor.
                logger.LogWarning(e, "Bucket source {Source}: listing failed; trying again on its schedule", source.Name);
            }

            var now = clock.GetUtcNow();
            var next = source.Cron.GetNextOccurrence(now.UtcDateTime) is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : now.AddDays(1);
            await Task.Delay(next - now, clock, stoppingToken);
        }
    }

    /// <summary>Lists (the rest of) a pass over the source, if no other instance is listing it now.</summary>
    /// <returns>How many objects this pass took in; null when another instance holds the lock.</returns>
    public async Task<int?> PassAsync(CancellationToken cancellationToken)
    {
        var @lock = new PostgresDistributedLock(new PostgresAdvisoryLockKey("sagafiles-bucket-source " + source.Name, allowHashing: true), connectionString);
        await using var handle = await @lock.TryAcquireAsync(TimeSpan.Zero, cancellationToken);
        if (handle is null)
        {
            logger.LogDebug("Bucket source {Source}: another instance is listing it", source.Name);
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        var cursor = await db.BucketCursors.FindAsync([source.Name], cancellationToken);
        if (cursor is null)
            db.BucketCursors.Add(cursor = new BucketCursor { Source = source.Name });
        if (cursor.AfterKey is null)
            cursor.PassStartedAt = clock.GetUtcNow();
        else
            logger.LogInformation("Bucket source {Source}: resuming the listing after {Key}", source.Name, cursor.AfterKey);

        var taken = 0;
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await s3.ListObjectsV2Async(new ListObjectsV2Request
                {
                    BucketName = source.Bucket, Prefix = source.Prefix, StartAfter = cursor.AfterKey, MaxKeys = PageSize
                }, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                (cursor.Error, cursor.ErrorAt) = (e.StatusCode == HttpStatusCode.NotFound
                    ? $"The bucket {source.Bucket} does not exist ({e.ErrorCode})."
                    : $"Listing the bucket {source.Bucket} was denied ({e.ErrorCode}).", clock.GetUtcNow());
                await db.SaveChangesAsync(cancellationToken);
                logger.LogError("Bucket source {Source}: {Error} Listed again on its schedule ({Schedule})", source.Name, cursor.Error, source.Schedule);
                return taken;
            }

            // A "folder" placeholder (a key ending in '/') is no file.
            var versions = (page.S3Objects ?? []).Where(o => !o.Key.EndsWith('/'))
                .Select(o => new ObjectVersion(o.Key, ObjectVersion.Bare(o.ETag ?? ""), o.Size ?? 0)).ToList();
            var unknown = await scope.ServiceProvider.GetRequiredService<BucketLedger>().UnknownAsync(source.Bucket, versions, cancellationToken);
            await Parallel.ForEachAsync(unknown, new ParallelOptions { MaxDegreeOfParallelism = source.Parallelism, CancellationToken = cancellationToken },
                async (version, ct) =>
                {
                    await using var objectScope = scopes.CreateAsyncScope();
                    if (await objectScope.ServiceProvider.GetRequiredService<BucketLedger>().TakeAsync(source, version, "listing", ct))
                        Interlocked.Increment(ref taken);
                });

            // The page is in the ledger: a lister that dies from here on resumes after it.
            var complete = page.IsTruncated != true || page.S3Objects is not { Count: > 0 };
            cursor.AfterKey = complete ? null : page.S3Objects![^1].Key;
            (cursor.Error, cursor.ErrorAt) = (null, null);
            if (complete)
                cursor.PassCompletedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            if (complete)
                break;
        }

        await scope.ServiceProvider.GetRequiredService<BucketLedger>().ResubmitLapsedAsync(source, cancellationToken);
        if (taken > 0)
            logger.LogInformation("Bucket source {Source}: a listing took {Taken} new objects", source.Name, taken);
        return taken;
    }
}
