using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Security;

/// <summary>
/// Every request is authenticated by an API key or, when configured, a JWT; every endpoint requires one of the
/// <see cref="ApiScopes" /> (an endpoint that names none still requires a caller, by the fallback policy).
/// </summary>
public static class SecurityExtensions
{
    /// <summary>The scheme requests are authenticated with: it hands each bearer token to the API key or the JWT handler.</summary>
    public const string BearerScheme = "Bearer";

    const string JwtScheme = "Jwt";

    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var jwt = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()?.Jwt ?? new AuthOptions.JwtOptions();

        builder.Services.AddSingleton<ApiKeyLookup>();
        builder.Services.AddScoped<ApiKeyStore>();
        var authentication = builder.Services.AddAuthentication(BearerScheme)
            .AddPolicyScheme(BearerScheme, BearerScheme, o =>
            {
                o.ForwardDefaultSelector = context =>
                    jwt.Enabled && BearerToken.Read(context.Request) is { } token && BearerToken.LooksLikeJwt(token)
                        ? JwtScheme
                        : ApiKeyAuthenticationHandler.SchemeName;
                // One shape for every refusal, whichever scheme read the token.
                o.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
                o.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (jwt.Enabled)
            authentication.AddJwtBearer(JwtScheme, o =>
            {
                o.Authority = jwt.Authority;
                o.Audience = jwt.Audience;
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents { OnTokenValidated = context => MapJwtClaims(context, jwt) };
            });

        builder.Services.AddAuthorization(o =>
        {
            foreach (var scope in ApiScopes.All)
                o.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireClaim(CallerClaims.Scope, scope));
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddSingleton<IAuthorizationHandler, LoopbackScrapes>();
        return builder;
    }

    /// <summary>A token's tenant and scopes, read from the configured claims, become the claims an API key would carry.</summary>
    static Task MapJwtClaims(TokenValidatedContext context, AuthOptions.JwtOptions jwt)
    {
        var principal = context.Principal!;
        var tenant = principal.FindFirstValue(jwt.TenantClaim);
        if (!Tenants.IsValid(tenant))
        {
            context.Fail($"The token's '{jwt.TenantClaim}' claim does not name a tenant.");
            return Task.CompletedTask;
        }

        var scopes = principal.FindAll(jwt.ScopeClaim).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Intersect(ApiScopes.All);
        var claims = new List<Claim> { new(CallerClaims.Tenant, tenant!) };
        claims.AddRange(scopes.Select(scope => new Claim(CallerClaims.Scope, scope)));
        if (principal.FindFirstValue(jwt.UploaderClaim) is { } uploader)
        {
            if (uploader.Length > FileState.MaxUploadedByLength)
            {
                context.Fail($"The token's '{jwt.UploaderClaim}' claim is longer than {FileState.MaxUploadedByLength} characters.");
                return Task.CompletedTask;
            }
            claims.Add(new Claim(CallerClaims.Uploader, uploader));
            claims.Add(new Claim(CallerClaims.KeyPrefix, $"jwt:{uploader}"));
        }
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JwtScheme, CallerClaims.KeyPrefix, null));
        return Task.CompletedTask;
    }
}
