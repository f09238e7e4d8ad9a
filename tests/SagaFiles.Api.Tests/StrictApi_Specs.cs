using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SagaFiles.Api.Security;

namespace SagaFiles.Api.Tests;

/// <summary>
/// A second API instance configured strictly: small rate limits, and JWTs accepted from an issuer whose signing key the
/// test makes (the handler is given the issuer's configuration, so nothing is fetched over the network).
/// </summary>
public class StrictApi_Specs
{
    const string Issuer = "https://issuer.test/";
    const string Audience = "sagafiles";

    static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "test" };

    WebApplicationFactory<Program> _api = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _api = SagaFilesApp.NewApi(new Dictionary<string, string>
        {
            ["RateLimits:RequestBurst"] = "5",
            ["RateLimits:RequestsPerSecond"] = "1",
            ["RateLimits:UploadBurst"] = "2",
            ["RateLimits:UploadsPerMinute"] = "1",
            ["Auth:Jwt:Authority"] = Issuer,
            ["Auth:Jwt:Audience"] = Audience
        }, services => services.PostConfigure<JwtBearerOptions>("Jwt", o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            configuration.SigningKeys.Add(SigningKey);
            o.Configuration = configuration;
            // What the handler would learn from the issuer's metadata document, had it fetched one.
            o.TokenValidationParameters.ValidIssuer = Issuer;
            o.TokenValidationParameters.IssuerSigningKey = SigningKey;
        }));
        using var client = SagaFilesApp.ClientWith(null, _api);
        await SagaFiles.DevStack.HostProcess.WaitUntilReadyAsync("strict API", () => client.GetAsync("/health/ready"), () => "");
    }

    [OneTimeTearDown]
    public async Task Stop() => await _api.DisposeAsync();

    [Test]
    public async Task Over_the_request_limit_a_key_gets_429_with_Retry_After_and_is_served_again_after_it()
    {
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("limits", [ApiScopes.FilesRead]), _api);
        HttpResponseMessage response;
        var sent = 0;
        do
        {
            response = await client.GetAsync("/files");
            sent++;
        } while (response.StatusCode == HttpStatusCode.OK && sent < 20);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        sent.ShouldBeGreaterThan(5, "the burst is served");
        var retryAfter = response.Headers.RetryAfter!.Delta!.Value;
        retryAfter.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        using (var other = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("limits", [ApiScopes.FilesRead]), _api))
            (await other.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.OK, "limits are per key");

        await Task.Delay(retryAfter);
        (await client.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Test]
    public async Task Uploads_have_a_smaller_bucket_of_their_own()
    {
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("limits", [ApiScopes.FilesWrite, ApiScopes.FilesRead]), _api);
        for (var i = 0; i < 2; i++)
            (await client.PostAsync("/files", Files.Form("n\n1\n"u8.ToArray(), "limited.csv"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var refused = await client.PostAsync("/files", Files.Form("n\n1\n"u8.ToArray(), "limited.csv"));
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThan(TimeSpan.Zero);
        (await client.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.OK, "reading is not an upload");
    }

    [Test]
    public async Task A_signed_token_from_the_issuer_is_a_caller_with_the_tenant_and_scopes_of_its_claims()
    {
        using var reader = ClientWithToken(Token("jwt-tenant", "files:read files:write"));
        var upload = await reader.PostAsync("/files", Files.Form("n\n1\n"u8.ToArray(), "token.csv"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var id = (await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        var file = await reader.GetFromJsonAsync<System.Text.Json.JsonElement>($"/files/{id}");
        file.GetProperty("tenant").GetString().ShouldBe("jwt-tenant");
        file.GetProperty("uploadedBy").GetString().ShouldBe("user-1", "the token's subject uploaded it");

        using var readOnly = ClientWithToken(Token("jwt-tenant", "files:read"));
        (await readOnly.PostAsync($"/files/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var otherTenant = ClientWithToken(Token("someone-else", "files:read"));
        (await otherTenant.GetAsync($"/files/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var noTenant = ClientWithToken(Token(null, "files:read"));
        (await noTenant.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrongKey = ClientWithToken(Token("jwt-tenant", "files:read", new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test" }));
        (await wrongKey.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var expired = ClientWithToken(Token("jwt-tenant", "files:read", expires: DateTime.UtcNow.AddMinutes(-10)));
        (await expired.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var longSubject = ClientWithToken(Token("jwt-tenant", "files:read", subject: new string('s', 257)));
        (await longSubject.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    HttpClient ClientWithToken(string token) => SagaFilesApp.ClientWith(token, _api);

    static string Token(string? tenant, string scopes, SecurityKey? key = null, DateTime? expires = null, string subject = "user-1")
    {
        var claims = new Dictionary<string, object> { ["scope"] = scopes, ["sub"] = subject };
        if (tenant != null)
            claims["tenant"] = tenant;
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            IssuedAt = expiry.AddMinutes(-20),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256)
        });
    }
}
