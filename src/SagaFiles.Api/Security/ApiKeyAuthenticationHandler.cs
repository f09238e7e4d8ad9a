using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SagaFiles.Api.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c> with an API key. Also answers every challenge and refusal of the API (whichever scheme
/// authenticated), as problem details that name what is wrong without repeating what was sent.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyLookup keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.Read(Request) is not { } token)
            return AuthenticateResult.NoResult();
        if (token.Length == 0)
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <key>'.");
        if (!ApiKeySecrets.HasKeyShape(token))
            return AuthenticateResult.Fail("The bearer token is not an API key of this service.");
        if (await keys.FindAsync(token, Context.RequestAborted) is not { } key)
            return AuthenticateResult.Fail("The API key is unknown or revoked.");

        var claims = new List<Claim>
        {
            new(CallerClaims.KeyId, key.Id.ToString()),
            new(CallerClaims.Uploader, key.Id.ToString()),
            new(CallerClaims.KeyPrefix, key.Prefix),
            new(CallerClaims.Tenant, key.Tenant)
        };
        claims.AddRange(key.Scopes.Select(scope => new Claim(CallerClaims.Scope, scope)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, CallerClaims.KeyPrefix, null));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await Context.AuthenticateAsync()).Failure;
        Response.Headers[HeaderNames.WWWAuthenticate] = failure == null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure?.Message ?? "Send an API key: Authorization: Bearer <key>.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(x => x.Policy).OfType<string>()
            .Intersect(ApiScopes.All).ToList() ?? [];
        var detail = needed.Count == 0
            ? "The credentials do not allow this."
            : $"This needs the scope {string.Join(" and ", needed.Select(x => $"'{x}'"))}, which the credentials do not have.";
        return Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }
}
