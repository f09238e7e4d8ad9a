using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// A watched folder's ledger (table <c>folder_files</c>): each file version a folder source took, keyed by its path, size,
/// modification time and SHA-256, so a restarted or second API instance neither takes it again nor loses it.
/// </summary>
public sealed class FolderFile
{
    public const int MaxPathLength = 1024;

    public required Guid Id { get; init; }

    /// <summary>The full path it was taken from.</summary>
    public required string Path { get; init; }

    public required long Size { get; init; }

    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Lower-case hex; empty when the file could not be read.</summary>
    public required string Sha256 { get; init; }

    public required string Tenant { get; init; }

    /// <summary>The file it became; null until the intake accepted it, and for a file that could not be read.</summary>
    public Guid? FileId { get; set; }

    public FolderFileStatus Status { get; set; }

    /// <summary>Why it failed: the file's own failure, or why it could not be read or submitted.</summary>
    public string? Error { get; set; }

    /// <summary>Where it was moved once settled (processed/ or failed/ beside it); null while it has not been.</summary>
    public string? MovedTo { get; set; }

    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>While Submitting: the instance submitting it renews this; once passed, another instance submits it again.</summary>
    public DateTimeOffset HeldUntil { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}

public enum FolderFileStatus
{
    /// <summary>Recorded here; the intake may or may not have it yet (its idempotency key is the row's id, so submitting again is safe).</summary>
    Submitting,

    /// <summary>The intake accepted it as <see cref="FolderFile.FileId" />; waiting for its outcome.</summary>
    Submitted,

    Completed,

    Failed
}

public sealed class FolderFileConfiguration : IEntityTypeConfiguration<FolderFile>
{
    public void Configure(EntityTypeBuilder<FolderFile> entity)
    {
        entity.ToTable("folder_files");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Path).HasMaxLength(FolderFile.MaxPathLength);
        entity.Property(x => x.MovedTo).HasMaxLength(FolderFile.MaxPathLength);
        entity.Property(x => x.Sha256).HasMaxLength(64);
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        // Exactly once per file version, whichever instance sees it first.
        entity.HasIndex(x => new { x.Path, x.Size, x.ModifiedAt, x.Sha256 }).IsUnique();
        entity.HasIndex(x => x.Status).HasFilter("status IN ('Submitting', 'Submitted')");
    }
}
