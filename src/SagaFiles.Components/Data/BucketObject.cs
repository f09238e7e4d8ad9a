using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// A bucket source's ledger (table <c>bucket_objects</c>): each object version a bucket source took, keyed by bucket, key
/// and ETag, so that whichever path saw it first (a notification or the lister) and however many API instances run, it
/// enters once. The row's id is its idempotency key for the intake.
/// </summary>
/// <remarks>
/// The version is the ETag, not S3's version id: ListObjectsV2 (the lister) gives ETags only, notifications give both, and
/// the two paths must name a version the same way. The version id, when a notification had one, is kept to read exactly it.
/// </remarks>
public sealed class BucketObject
{
    /// <summary>S3's longest key is 1,024 bytes of UTF-8.</summary>
    public const int MaxKeyLength = 1024;

    public required Guid Id { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>The ETag, quotes removed.</summary>
    public required string ETag { get; init; }

    /// <summary>S3's version id, when a notification of a versioned bucket named it; null otherwise.</summary>
    public string? VersionId { get; init; }

    public required long Size { get; init; }

    public required string Tenant { get; init; }

    /// <summary>What saw it first: <c>listing</c> or <c>notification</c>.</summary>
    public required string SeenBy { get; init; }

    /// <summary>The file it became; null until the intake accepted it, and for an object that could not be read.</summary>
    public Guid? FileId { get; set; }

    public BucketObjectStatus Status { get; set; }

    /// <summary>Why it failed: why it could not be read or submitted.</summary>
    public string? Error { get; set; }

    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>While Submitting: the instance submitting it renews this; once passed, another instance submits it again.</summary>
    public DateTimeOffset HeldUntil { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}

public enum BucketObjectStatus
{
    /// <summary>Recorded here; the intake may or may not have it yet (its idempotency key is the row's id, so submitting again is safe).</summary>
    Submitting,

    /// <summary>The intake accepted it as <see cref="BucketObject.FileId" />: from here the file's own record tells its outcome.</summary>
    Submitted,

    /// <summary>It could not be read (vanished, changed, denied) or the intake refused it; <see cref="BucketObject.Error" /> says why.</summary>
    Failed
}

/// <summary>
/// Where a bucket source's lister is (table <c>bucket_cursors</c>, one row per bucket and prefix): the last key of the last
/// page it finished, so a lister that crashed resumes there, and how its last attempt went, which every instance's
/// readiness check reads.
/// </summary>
public sealed class BucketCursor
{
    /// <summary><c>s3://bucket/prefix</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The listing resumes after this key; null: from the start (none yet, or the last pass was complete).</summary>
    public string? AfterKey { get; set; }

    public DateTimeOffset? PassStartedAt { get; set; }

    public DateTimeOffset? PassCompletedAt { get; set; }

    /// <summary>Why the last attempt to list failed (a missing bucket, access denied); null once a listing succeeds.</summary>
    public string? Error { get; set; }

    public DateTimeOffset? ErrorAt { get; set; }
}

public sealed class BucketObjectConfiguration : IEntityTypeConfiguration<BucketObject>
{
    public void Configure(EntityTypeBuilder<BucketObject> entity)
    {
        entity.ToTable("bucket_objects");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Bucket).HasMaxLength(63);
        entity.Property(x => x.Key).HasMaxLength(BucketObject.MaxKeyLength);
        entity.Property(x => x.ETag).HasColumnName("etag").HasMaxLength(128);
        entity.Property(x => x.VersionId).HasMaxLength(1024);
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.SeenBy).HasMaxLength(16);
        entity.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        // Exactly once per object version, whichever path and instance sees it first.
        entity.HasIndex(x => new { x.Bucket, x.Key, x.ETag }).IsUnique();
        entity.HasIndex(x => x.Status).HasFilter("status = 'Submitting'");
    }
}

public sealed class BucketCursorConfiguration : IEntityTypeConfiguration<BucketCursor>
{
    public void Configure(EntityTypeBuilder<BucketCursor> entity)
    {
        entity.ToTable("bucket_cursors");
        entity.HasKey(x => x.Source);
        entity.Property(x => x.Source).HasMaxLength(5 + 63 + 1 + BucketObject.MaxKeyLength);
        entity.Property(x => x.AfterKey).HasMaxLength(BucketObject.MaxKeyLength);
    }
}
