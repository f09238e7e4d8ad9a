using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Admin.Keys;

/// <summary>A key as lists show it: never its secret or hash.</summary>
public sealed record KeyResponse(
    Guid Id,
    string Name,
    string Tenant,
    string Prefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public static KeyResponse From(ApiKey key) =>
        new(key.Id, key.Name, key.Tenant, key.Prefix, key.Scopes, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}
