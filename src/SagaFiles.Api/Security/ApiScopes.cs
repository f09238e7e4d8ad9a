namespace SagaFiles.Api.Security;

/// <summary>What a key may do. Each scope is also the name of the authorization policy that requires it.</summary>
public static class ApiScopes
{
    /// <summary>Upload files and retry the tenant's failed files.</summary>
    public const string FilesWrite = "files:write";

    /// <summary>Read the tenant's files: get, list, events, saga, download.</summary>
    public const string FilesRead = "files:read";

    /// <summary>Manage keys, redrive dead letters, look at other tenants' files (<c>?tenant=</c>).</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [FilesWrite, FilesRead, Admin];
}
