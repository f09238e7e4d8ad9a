using System.Security.Claims;

namespace SagaFiles.Api.Security;

/// <summary>The claims an authenticated caller carries, whether it came with an API key or a JWT.</summary>
public static class CallerClaims
{
    public const string KeyId = "key_id";
    public const string KeyPrefix = "key_prefix";
    public const string Tenant = "tenant";
    public const string Scope = "scope";
    public const string Uploader = "uploader";

    /// <summary>The caller's tenant; every authenticated caller has one.</summary>
    public static string TenantOf(this ClaimsPrincipal user) => user.FindFirstValue(Tenant)
        ?? throw new InvalidOperationException("An authenticated caller without a tenant claim.");

    /// <summary>Who the caller's uploads are recorded as: the API key's id, or a JWT's uploader claim (null when it has none).</summary>
    public static string? UploaderOf(this ClaimsPrincipal user) => user.FindFirstValue(Uploader);

    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(Scope, scope);
}
