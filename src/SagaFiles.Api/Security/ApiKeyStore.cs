using Microsoft.EntityFrameworkCore;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Security;

/// <summary>Creates, lists and revokes API keys; used by the <c>/admin/keys</c> endpoints and the <c>keys</c> command.</summary>
public sealed class ApiKeyStore(SagaFilesDbContext db, TimeProvider clock)
{
    /// <summary>Why a key with these settings cannot be created, or null.</summary>
    public static string? Validate(string? name, string? tenant, IReadOnlyCollection<string>? scopes)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > ApiKey.MaxNameLength || name.Any(char.IsControl))
            return $"The name must be 1 to {ApiKey.MaxNameLength} printable characters.";
        if (!Tenants.IsValid(tenant))
            return $"'{tenant}' is not a tenant: {Tenants.Rule}.";
        if (scopes is null || scopes.Count == 0 || scopes.Except(ApiScopes.All).Any())
            return $"Give one or more scopes of {string.Join(", ", ApiScopes.All)}.";
        return null;
    }

    /// <summary>A new key and its secret, which is not kept anywhere: the caller shows it once.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string tenant, IReadOnlyCollection<string> scopes, CancellationToken ct)
    {
        if (Validate(name, tenant, scopes) is { } problem)
            throw new ArgumentException(problem);
        var secret = ApiKeySecrets.New();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = name,
            Tenant = tenant,
            Prefix = ApiKeySecrets.PrefixOf(secret),
            SecretHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes.Distinct().Order(StringComparer.Ordinal).ToList(),
            CreatedAt = clock.GetUtcNow()
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    /// <summary>Every key, or one tenant's, newest first.</summary>
    public Task<List<ApiKey>> ListAsync(string? tenant, CancellationToken ct) =>
        db.ApiKeys.AsNoTracking().Where(x => tenant == null || x.Tenant == tenant).OrderByDescending(x => x.CreatedAt).ToListAsync(ct);

    /// <summary>Revokes the key (a revoked key stays revoked, at its first revocation's time); null when there is no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(Guid id, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (key is { RevokedAt: null })
        {
            key.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        return key;
    }
}
