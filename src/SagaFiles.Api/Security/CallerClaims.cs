using System.Security.Claims;

namespace SagaFiles.Api.Security;

/// <summary>The claims an authenticated caller carries, whether it came with an API key or a JWT.</summary>
public static class CallerClaims
{
    public const string KeyId = "key_id";
    public const string KeyPrefix = "key_prefix";
    public const string Tenant = "tenant";
    public const string Scope = "scope";

    /// <summary>The caller's tenant; every authenticated caller has one.</summary>
    public static string TenantOf(this ClaimsPrincipal user) => user.FindFirstValue(Tenant)
        ?? throw new InvalidOperationException("An authenticated caller without a tenant claim.");

    /// <summary>The API key's id; null for a caller authenticated by a JWT.</summary>
    public static Guid? KeyIdOf(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(KeyId), out var id) ? id : null;

    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(Scope, scope);
}
