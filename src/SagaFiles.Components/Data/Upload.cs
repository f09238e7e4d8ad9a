using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Data;

/// <summary>
/// A resumable upload (table <c>uploads</c>): a file sent in parts to an S3 multipart upload, then handed to the intake
/// as the file <see cref="FileId" />. The parts received are recorded here (<see cref="UploadPart" />), because not every
/// storage can list them (the local emulator cannot).
/// </summary>
public sealed class Upload
{
    public const int MaxContentTypeLength = 256;

    public required Guid Id { get; init; }

    public required string Tenant { get; init; }

    /// <summary>Who started it, as the file will record it (a key's id, a token's uploader claim).</summary>
    public string? UploadedBy { get; init; }

    public required string Name { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The file's size as declared when the upload started: every part's size follows from it.</summary>
    public required long Size { get; init; }

    public required long PartSize { get; init; }

    public Dictionary<string, string> Tags { get; init; } = [];

    public string? IdempotencyKey { get; init; }

    /// <summary>The file it becomes (its id names the stored object); after a replayed completion, the earlier file.</summary>
    public required Guid FileId { get; set; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>The storage's multipart upload id.</summary>
    public required string StorageUploadId { get; init; }

    public UploadStatus Status { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it is aborted unless a part or the completion comes first (<c>Uploads:ExpireAfter</c> after the last).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public List<UploadPart> Parts { get; init; } = [];

    public int PartCount => (int)((Size + PartSize - 1) / PartSize);

    /// <summary>The size part <paramref name="number" /> must have: the part size, the remainder for the last.</summary>
    public long ExpectedPartSize(int number) => number < PartCount ? PartSize : Size - (PartCount - 1) * PartSize;
}

public enum UploadStatus
{
    /// <summary>Taking parts.</summary>
    Open,

    /// <summary>Its parts are being assembled and the file recorded.</summary>
    Completing,

    /// <summary>Became the file <see cref="Upload.FileId" />.</summary>
    Completed,

    /// <summary>Aborted by its sender; its parts are gone.</summary>
    Aborted,

    /// <summary>Aborted after <c>Uploads:ExpireAfter</c> without a part or a completion.</summary>
    Expired
}

/// <summary>A part received (table <c>upload_parts</c>): a part sent again replaces the record.</summary>
public sealed class UploadPart
{
    public required Guid UploadId { get; init; }

    public required int Number { get; init; }

    public required long Size { get; init; }

    public required string ETag { get; init; }

    /// <summary>Lower-case hex; null for a part sent straight to storage (the API never saw its bytes).</summary>
    public string? Sha256 { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}

public sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> entity)
    {
        entity.ToTable("uploads");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.Name).HasMaxLength(FileState.MaxOriginalNameLength);
        entity.Property(x => x.ContentType).HasMaxLength(Upload.MaxContentTypeLength);
        entity.Property(x => x.UploadedBy).HasMaxLength(FileState.MaxUploadedByLength);
        entity.Property(x => x.IdempotencyKey).HasMaxLength(UploadKey.MaxLength);
        entity.Property(x => x.Tags).IsJsonColumn();
        entity.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        entity.Ignore(x => x.PartCount);
        // One upload per key and tenant: a repeated POST /uploads answers with the first.
        entity.HasIndex(x => new { x.Tenant, x.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
        entity.HasIndex(x => new { x.Status, x.ExpiresAt });
        entity.HasMany(x => x.Parts).WithOne().HasForeignKey(x => x.UploadId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class UploadPartConfiguration : IEntityTypeConfiguration<UploadPart>
{
    public void Configure(EntityTypeBuilder<UploadPart> entity)
    {
        entity.ToTable("upload_parts");
        entity.HasKey(x => new { x.UploadId, x.Number });
        entity.Property(x => x.ETag).HasColumnName("etag").HasMaxLength(128);
        entity.Property(x => x.Sha256).HasMaxLength(64);
    }
}
