namespace SagaFiles.Api.Security;

/// <summary>Whose files a request sees: the caller's tenant, or for an <c>admin</c> the tenant it names with <c>?tenant=</c>.</summary>
public static class TenantScope
{
    public const string QueryParameter = "tenant";

    /// <summary>The tenant every file query of this request filters by. A non-admin's <c>?tenant=</c> changes nothing.</summary>
    public static string FilesTenant(this HttpContext context)
    {
        var user = context.User;
        return user.HasScope(ApiScopes.Admin) && context.Request.Query[QueryParameter] is [{ Length: > 0 } asked] ? asked : user.TenantOf();
    }
}
