using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Security;

/// <summary>A valid key as the API sees it once the secret checked out.</summary>
public sealed record ApiKeyIdentity(Guid Id, string Prefix, string Tenant, IReadOnlyList<string> Scopes);

/// <summary>
/// Finds the key a secret belongs to. Answers (including "no such key") are cached for <see cref="CacheFor" />, by the secret's
/// hash, in a bounded cache: a revocation reaches every API instance within that time, and the database sees at most one
/// lookup per key and instance in that time. Each lookup records when the key was last used.
/// </summary>
public sealed class ApiKeyLookup(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    /// <summary>Under the 5 seconds a revocation may take to reach every instance.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(3);

    const int MaxCachedKeys = 10_000;

    readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxCachedKeys });

    public async Task<ApiKeyIdentity?> FindAsync(string secret, CancellationToken ct)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var cacheKey = Convert.ToHexString(hash);
        if (_cache.TryGetValue(cacheKey, out ApiKeyIdentity? cached))
            return cached;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>();
        var key = await db.ApiKeys.AsNoTracking()
            .Where(x => x.SecretHash == hash && x.RevokedAt == null)
            .Select(x => new ApiKeyIdentity(x.Id, x.Prefix, x.Tenant, x.Scopes))
            .SingleOrDefaultAsync(ct);
        if (key != null)
        {
            var now = clock.GetUtcNow();
            await db.ApiKeys.Where(x => x.Id == key.Id).ExecuteUpdateAsync(x => x.SetProperty(k => k.LastUsedAt, now), ct);
        }

        _cache.Set(cacheKey, key, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return key;
    }

    public void Dispose() => _cache.Dispose();
}
