using FastEndpoints;

namespace SagaFiles.Api.Features.Admin.Keys.Revoke;

/// <summary>POST /admin/keys/{id}/revoke: the key stops working on every API instance within seconds.</summary>
public sealed class Endpoint(ApiKeyStore keys, ILogger<Endpoint> logger) : Endpoint<Request, KeyResponse>
{
    public override void Configure()
    {
        Post("/admin/keys/{id:guid}/revoke");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<KeyResponse>(200).ProducesProblemDetails(404));
        Summary(s => s.Summary = $"Revoke an API key (it stops working within {ApiKeyLookup.CacheFor.TotalSeconds:0} seconds everywhere)");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (await keys.RevokeAsync(request.Id, ct) is not { } key)
        {
            await Send.NotFoundAsync(ct);
            return;
        }

        logger.LogInformation("API key {RevokedKeyId} ({RevokedKeyPrefix}) revoked", key.Id, key.Prefix);
        await Send.OkAsync(KeyResponse.From(key), ct);
    }
}
