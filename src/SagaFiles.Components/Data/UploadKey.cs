using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// An upload's <c>Idempotency-Key</c> and the file it created (table <c>upload_keys</c>): a repeated key answers with that
/// file. Keys belong to a tenant: the tenant and key are the primary key, so two concurrent uploads with one key cannot both
/// commit, and one tenant's keys never answer another's uploads.
/// </summary>
public sealed class UploadKey
{
    public const int MaxLength = 200;

    public required string Tenant { get; init; }

    public required string Key { get; init; }

    public required Guid FileId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

public sealed class UploadKeyConfiguration : IEntityTypeConfiguration<UploadKey>
{
    public void Configure(EntityTypeBuilder<UploadKey> entity)
    {
        entity.ToTable("upload_keys");
        entity.HasKey(x => new { x.Tenant, x.Key });
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.Key).HasMaxLength(UploadKey.MaxLength);
        entity.HasIndex(x => x.FileId);
    }
}
