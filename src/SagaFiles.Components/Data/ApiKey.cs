using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SagaFiles.Components.Data;

/// <summary>
/// An API key (table <c>api_keys</c>): who may call the API, for which tenant and with which scopes. Only the SHA-256 of the
/// secret is kept; the secret is shown once, when the key is created. <see cref="Prefix" /> is the secret's visible start, so
/// people can tell their keys apart in lists and logs.
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;
    public const int PrefixLength = 12;

    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required string Tenant { get; init; }

    public required string Prefix { get; init; }

    /// <summary>SHA-256 of the whole secret: the secret is high-entropy and random, so a plain hash cannot be reversed.</summary>
    public required byte[] SecretHash { get; init; }

    public required List<string> Scopes { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> entity)
    {
        entity.ToTable("api_keys");
        entity.HasKey(x => x.Id);
        entity.Property(x => x.Name).HasMaxLength(ApiKey.MaxNameLength);
        entity.Property(x => x.Tenant).HasMaxLength(Tenants.MaxLength);
        entity.Property(x => x.Prefix).HasMaxLength(ApiKey.PrefixLength);
        entity.HasIndex(x => x.SecretHash).IsUnique();
    }
}
