namespace SagaFiles.Api.Features.Admin.Keys.Create;

/// <summary>The new key and its secret: shown this once, stored nowhere.</summary>
public sealed record Response(KeyResponse Key, string Secret);
