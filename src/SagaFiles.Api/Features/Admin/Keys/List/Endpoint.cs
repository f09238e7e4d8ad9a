using FastEndpoints;

namespace SagaFiles.Api.Features.Admin.Keys.List;

/// <summary>GET /admin/keys?tenant=: the keys, newest first, without their secrets.</summary>
public sealed class Endpoint(ApiKeyStore keys) : Endpoint<Request, IReadOnlyList<KeyResponse>>
{
    public override void Configure()
    {
        Get("/admin/keys");
        Policies(ApiScopes.Admin);
        Summary(s => s.Summary = "List API keys (prefix, tenant, scopes, created, last used, revoked)");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct) =>
        await Send.OkAsync((await keys.ListAsync(request.Tenant, ct)).Select(KeyResponse.From).ToList(), ct);
}
