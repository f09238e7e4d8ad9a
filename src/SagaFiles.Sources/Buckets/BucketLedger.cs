using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.Data;
using SagaFiles.Intake;

namespace SagaFiles.Sources.Buckets;

/// <summary>One object version as a listing or a notification names it (ETag without quotes).</summary>
public sealed record ObjectVersion(string Key, string ETag, long Size, string? VersionId = null)
{
    /// <summary>S3 quotes ETags in listings and headers, not in notifications: the ledger keeps them bare.</summary>
    public static string Bare(string etag) => etag.Trim('"');
}

/// <summary>
/// A bucket source's objects through the ledger (<see cref="BucketObject" />): a version is recorded before it is read (the
/// unique bucket, key and ETag let one instance and one path win), then copied into SagaFiles' incoming storage through
/// <see cref="FileIntake" /> with the row's id as idempotency key, so a crash in between submits it again harmlessly. The
/// object itself is only read, unless the source says to delete or move it once copied. Scoped: one context per object.
/// </summary>
sealed class BucketLedger(SagaFilesDbContext db, FileIntake intake, IAmazonS3 s3, IServiceScopeFactory scopes, TimeProvider clock,
    ILogger<BucketLedger> logger)
{
    /// <summary>The versions among <paramref name="versions" /> (all of one bucket) that the ledger does not have yet.</summary>
    public async Task<IReadOnlyList<ObjectVersion>> UnknownAsync(string bucket, IReadOnlyList<ObjectVersion> versions, CancellationToken cancellationToken)
    {
        var keys = versions.Select(v => v.Key).Distinct().ToList();
        var known = (await db.BucketObjects.AsNoTracking().Where(o => o.Bucket == bucket && keys.Contains(o.Key))
                .Select(o => new { o.Key, o.ETag }).ToListAsync(cancellationToken))
            .Select(o => (o.Key, o.ETag)).ToHashSet();
        return versions.Where(v => !known.Contains((v.Key, v.ETag))).ToList();
    }

    /// <summary>Takes the version in, unless the ledger has it already.</summary>
    /// <param name="seenBy"><c>listing</c> or <c>notification</c>.</param>
    /// <returns>True when this call recorded it (then it was submitted, or failed with its reason).</returns>
    public async Task<bool> TakeAsync(BucketSourceOptions source, ObjectVersion version, string seenBy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = new BucketObject
        {
            Id = Guid.NewGuid(), Bucket = source.Bucket, Key = version.Key, ETag = version.ETag, VersionId = version.VersionId, Size = version.Size,
            Tenant = source.Tenant, SeenBy = seenBy, Status = BucketObjectStatus.Submitting, TakenAt = now, HeldUntil = now + LedgerHold.Hold
        };
        // ON CONFLICT, not a caught unique violation: two listers, or a listing and a notification, meet here all the time.
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO bucket_objects (id, bucket, key, etag, version_id, size, tenant, seen_by, status, taken_at, held_until)
            VALUES ({row.Id}, {row.Bucket}, {row.Key}, {row.ETag}, {row.VersionId}, {row.Size}, {row.Tenant}, {row.SeenBy},
                    {row.Status.ToString()}, {row.TakenAt}, {row.HeldUntil})
            ON CONFLICT (bucket, key, etag) DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
            return false; // another instance, or the other path, took it first
        db.BucketObjects.Attach(row);

        await SubmitAsync(source, row, cancellationToken);
        return true;
    }

    /// <summary>Submits again the source's rows left Submitting by an instance that died (their hold lapsed).</summary>
    public async Task ResubmitLapsedAsync(BucketSourceOptions source, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var row in await db.BucketObjects.Where(o => o.Status == BucketObjectStatus.Submitting && o.HeldUntil < now && o.Bucket == source.Bucket
                         && o.Key.StartsWith(source.Prefix)).Take(50).ToListAsync(cancellationToken))
        {
            // Claimed by one instance only: the one whose update finds the hold still expired.
            var claimed = await db.BucketObjects.Where(o => o.Id == row.Id && o.Status == BucketObjectStatus.Submitting && o.HeldUntil < now)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.HeldUntil, now + LedgerHold.Hold), cancellationToken);
            if (claimed == 1)
                await SubmitAsync(source, row, cancellationToken);
        }
    }

    /// <summary>
    /// Copies the object into the incoming bucket through the intake. Gone, changed or unreadable: Failed with the reason.
    /// Any other error (S3 or the database away) leaves the row Submitting: once its hold lapses it is submitted again.
    /// </summary>
    async Task SubmitAsync(BucketSourceOptions source, BucketObject row, CancellationToken cancellationToken)
    {
        var (result, unreadable) = await LedgerHold.WhileHeldAsync(scopes, clock, logger, row.Id, (other, until, ct) => other.BucketObjects
            .Where(o => o.Id == row.Id && o.Status == BucketObjectStatus.Submitting)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.HeldUntil, until), ct), async () =>
        {
            try
            {
                using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = row.Bucket, Key = row.Key, VersionId = row.VersionId },
                    cancellationToken);
                if (ObjectVersion.Bare(response.ETag ?? "") != row.ETag)
                    return (null, $"The object changed before it could be read (now ETag {response.ETag}); its new version is taken on its own.");
                await using var content = response.ResponseStream;
                return ((IntakeResult?)await intake.SubmitAsync(new IntakeRequest
                {
                    Name = row.Key.Length <= FileIntake.MaxNameLength ? row.Key : row.Key[(row.Key.LastIndexOf('/') + 1)..],
                    Content = IntakeContent.FromSource(content), ContentType = response.Headers.ContentType, Tenant = row.Tenant,
                    Tags = IntakeTags.From(source.Tags), IdempotencyKey = "bucket-" + row.Id.ToString("N")
                }, cancellationToken), (string?)null);
            }
            catch (AmazonS3Exception e) when (Unreadable(e) is { } reason)
            {
                return ((IntakeResult?)null, reason);
            }
        }, cancellationToken);

        if (result?.Receipt is not { } file)
        {
            await FailAsync(source, row, unreadable ?? $"The intake refused it: {result}", cancellationToken);
            return;
        }

        (row.FileId, row.Status, row.SettledAt) = (file.FileId, BucketObjectStatus.Submitted, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Bucket source {Source}: {Key} ({ETag}) taken as file {FileId}", source.Name, row.Key, row.ETag, file.FileId);
        if (source.After != AfterTaken.Keep)
            await TidyAsync(source, row, cancellationToken);
    }

    /// <summary>Why reading the object failed for good; null for an error worth another try (5xx, throttling, the network).</summary>
    static string? Unreadable(AmazonS3Exception e) => e.StatusCode switch
    {
        HttpStatusCode.NotFound => "The object vanished before it could be read.",
        HttpStatusCode.Forbidden => $"The object could not be read: access denied ({e.ErrorCode}).",
        HttpStatusCode.PreconditionFailed or HttpStatusCode.BadRequest => $"The object could not be read: {e.Message}",
        _ => null
    };

    async Task FailAsync(BucketSourceOptions source, BucketObject row, string reason, CancellationToken cancellationToken)
    {
        (row.Status, row.Error, row.SettledAt) = (BucketObjectStatus.Failed, reason, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Bucket source {Source}: {Key} ({ETag}) failed: {Reason}", source.Name, row.Key, row.ETag, reason);
    }

    /// <summary>
    /// Deletes (or moves) the object SagaFiles now has a copy of, only while it is still the version taken: a newer one
    /// written meanwhile stays, to be taken on its own. A failure is logged, not retried: the object is only left behind.
    /// </summary>
    async Task TidyAsync(BucketSourceOptions source, BucketObject row, CancellationToken cancellationToken)
    {
        try
        {
            var now = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = row.Bucket, Key = row.Key }, cancellationToken);
            if (ObjectVersion.Bare(now.ETag ?? "") != row.ETag)
                return;
            if (source.After == AfterTaken.Move)
                await s3.CopyObjectAsync(new CopyObjectRequest
                {
                    SourceBucket = row.Bucket, SourceKey = row.Key, SourceVersionId = row.VersionId, DestinationBucket = row.Bucket,
                    DestinationKey = source.MoveToPrefix + row.Key[source.Prefix.Length..]
                }, cancellationToken);
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = row.Bucket, Key = row.Key }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            logger.LogWarning(e, "Bucket source {Source}: {Key} was taken but could not be {Done}", source.Name, row.Key,
                source.After == AfterTaken.Move ? "moved" : "deleted");
        }
    }
}
