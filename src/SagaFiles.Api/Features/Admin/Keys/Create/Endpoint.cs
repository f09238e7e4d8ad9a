using FastEndpoints;

namespace SagaFiles.Api.Features.Admin.Keys.Create;

/// <summary>POST /admin/keys: a new API key for a tenant, with its secret shown once.</summary>
public sealed class Endpoint(ApiKeyStore keys, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/admin/keys");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(201).ProducesProblemDetails(400));
        Summary(s =>
        {
            s.Summary = "Create an API key";
            s.Description = "Answers with the key's secret, which is shown this once: only its hash is kept.";
        });
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var (key, secret) = await keys.CreateAsync(request.Name, request.Tenant, request.Scopes, ct);
        logger.LogInformation("API key {NewKeyId} ({NewKeyPrefix}) created for tenant {NewKeyTenant} with {Scopes}", key.Id, key.Prefix, key.Tenant,
            key.Scopes);
        await Send.ResponseAsync(new Response(KeyResponse.From(key), secret), 201, ct);
    }
}
