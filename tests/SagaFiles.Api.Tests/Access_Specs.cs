using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SagaFiles.Api.Security;

namespace SagaFiles.Api.Tests;

/// <summary>
/// Who may call what: every registered endpoint against anonymous, unknown, revoked, wrong-scope, other-tenant and right
/// callers; tenants kept apart end to end; revocation timing; and the secret kept out of logs and the database.
/// </summary>
public partial class Access_Specs
{
    /// <summary>Open to anyone: health probes, and the docs in Development (the test host's environment).</summary>
    static readonly string[] AnonymousRoutes = ["/health/live", "/health/ready", "/openapi/", "/docs"];

    /// <summary>FastEndpoints maps this under WebApplicationFactory only (for its test helpers); the fallback policy guards it.</summary>
    const string FastEndpointsTestRoute = "/_test_url_cache_";

    static readonly List<string> SecretsSeen = [];

    static string _all = "", _readOnly = "", _writeOnly = "", _filesOnly = "", _otherTenant = "", _revoked = "";
    static Guid _file, _upload;

    [OneTimeSetUp]
    public async Task CreateKeysAndAFile()
    {
        _all = await Key(SagaFilesApp.Tenant, ApiScopes.All);
        _readOnly = await Key(SagaFilesApp.Tenant, [ApiScopes.FilesRead]);
        _writeOnly = await Key(SagaFilesApp.Tenant, [ApiScopes.FilesWrite]);
        _filesOnly = await Key(SagaFilesApp.Tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        _otherTenant = await Key("other", ApiScopes.All);
        _revoked = await Key(SagaFilesApp.Tenant, ApiScopes.All);
        using (var admin = SagaFilesApp.ClientWith(_all))
            (await admin.PostAsync($"/admin/keys/{await KeyId(_revoked)}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var client = SagaFilesApp.ClientWith(_all);
        _file = await UploadAsync(client, "n\n1\n"u8.ToArray(), "access.csv");
        var started = await client.PostAsJsonAsync("/uploads", new { name = "access.bin", size = 10 });
        started.StatusCode.ShouldBe(HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        _upload = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await Files.WaitUntilSettled(_file)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
    }

    [Test]
    public void Every_endpoint_is_anonymous_by_the_list_or_requires_exactly_one_scope()
    {
        var problems = Endpoints().Where(e => e.Anonymous ? !IsAnonymousRoute(e.Route) : e.Scopes.Length != 1)
            .Select(e => $"{e.Method} {e.Route}: anonymous={e.Anonymous}, scopes=[{string.Join(",", e.Scopes)}]").ToList();
        problems.ShouldBeEmpty("each endpoint declares one scope policy (Policies(ApiScopes.X)); only health and docs are anonymous");
        Endpoints().Where(e => !e.Anonymous).ShouldNotBeEmpty();
    }

    [Test]
    public async Task The_access_matrix_holds_for_every_registered_endpoint()
    {
        var scoped = Endpoints().Where(e => !e.Anonymous && e.Scopes.Length == 1).ToList();
        scoped.Count.ShouldBeGreaterThanOrEqualTo(17);
        var wrong = new List<string>();
        foreach (var (method, route, _, scopes) in scoped)
        {
            var scope = scopes[0];
            var wrongScope = scope switch
            {
                ApiScopes.FilesRead => _writeOnly,
                ApiScopes.FilesWrite => _readOnly,
                _ => _filesOnly
            };
            var expected = new List<(string Caller, string? Secret, HttpStatusCode[] Allowed)>
            {
                ("anonymous", null, [HttpStatusCode.Unauthorized]),
                ("unknown key", ApiKeySecrets.New(), [HttpStatusCode.Unauthorized]),
                ("revoked key", _revoked, [HttpStatusCode.Unauthorized]),
                ($"key without {scope}", wrongScope, [HttpStatusCode.Forbidden])
            };
            if (IsOwnedRoute(route))
                expected.Add(("other tenant", _otherTenant, [HttpStatusCode.NotFound]));
            foreach (var (caller, secret, allowed) in expected)
            {
                var status = await Send(method, route, secret);
                if (!allowed.Contains(status))
                    wrong.Add($"{method} {route} as {caller}: {(int)status}, expected {string.Join(" or ", allowed.Cast<int>())}");
            }

            var right = await Send(method, route, _all);
            // A file or upload route must find the tenant's own; elsewhere 404 is an answer (a made-up key id, no error queue yet).
            if (right is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)right >= 500
                || (right == HttpStatusCode.NotFound && IsOwnedRoute(route)))
                wrong.Add($"{method} {route} with the right key: {(int)right}");
        }

        wrong.ShouldBeEmpty();
    }

    [Test]
    public async Task Refusals_are_problem_details_that_name_the_scheme_and_never_echo_the_secret()
    {
        using var anonymous = SagaFilesApp.ClientWith(null);
        var none = await anonymous.GetAsync($"/files/{_file}");
        none.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        none.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var unknown = ApiKeySecrets.New();
        using var stranger = SagaFilesApp.ClientWith(unknown);
        var refused = await stranger.GetAsync($"/files/{_file}");
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        (await refused.Content.ReadAsStringAsync()).ShouldNotContain(unknown);

        using var malformed = SagaFilesApp.ClientWith(null);
        malformed.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        (await malformed.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var reader = SagaFilesApp.ClientWith(_readOnly);
        var forbidden = await reader.PostAsync($"/files/{_file}/retry", null);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var problem = await forbidden.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString()!.ShouldContain("files:write");
        (await forbidden.Content.ReadAsStringAsync()).ShouldNotContain(_readOnly);
    }

    [Test]
    public async Task Tenants_see_only_their_own_files_children_and_idempotency_keys()
    {
        using var a = SagaFilesApp.ClientWith(_filesOnly);
        using var b = SagaFilesApp.ClientWith(await Key("tenant-b", [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
        var archive = await UploadAsync(a, ContentProcessing_Specs.Zip(("one.csv", "n\n1\n"), ("two.txt", "hello")), "pair.zip");
        (await Files.WaitUntilSettled(archive)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        var children = await a.GetFromJsonAsync<JsonElement>($"/files?parent={archive}");
        children.GetProperty("total").GetInt32().ShouldBe(2);
        var child = children.GetProperty("items")[0].GetProperty("id").GetGuid();

        foreach (var path in new[] { "", "/events", "/saga", "/download?what=original" })
        {
            (await b.GetAsync($"/files/{archive}{path}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            (await b.GetAsync($"/files/{child}{path}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        (await b.PostAsync($"/files/{child}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetFromJsonAsync<JsonElement>($"/files?parent={archive}")).GetProperty("total").GetInt32().ShouldBe(0);
        var listedByB = (await b.GetFromJsonAsync<JsonElement>("/files?limit=100")).GetProperty("items").EnumerateArray()
            .Select(x => x.GetProperty("id").GetGuid());
        listedByB.ShouldNotContain(archive);
        listedByB.ShouldNotContain(child);

        // Children belong to the archive's tenant and uploader, and are stored under the tenant's prefix.
        var childFile = await a.GetFromJsonAsync<JsonElement>($"/files/{child}");
        childFile.GetProperty("uploadedBy").GetGuid().ShouldBe(await KeyId(_filesOnly));

        // One idempotency key, two tenants: two files.
        var idempotencyKey = $"shared-{Guid.NewGuid()}";
        var fromA = await UploadAsync(a, "n\n1\n"u8.ToArray(), "same.csv", idempotencyKey);
        var fromB = await UploadAsync(b, "n\n2\n"u8.ToArray(), "same.csv", idempotencyKey);
        fromB.ShouldNotBe(fromA);
        (await UploadAsync(b, "n\n3\n"u8.ToArray(), "same.csv", idempotencyKey)).ShouldBe(fromB);
    }

    [Test]
    public async Task A_tenants_objects_are_stored_under_its_name_in_every_bucket()
    {
        var tenant = $"objects-{Guid.NewGuid():N}"[..20];
        using var client = SagaFilesApp.ClientWith(await Key(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
        var archive = await UploadAsync(client, ContentProcessing_Specs.Zip(("one.csv", "n\n1\n"), ("two.txt", "hello")), "stored.zip");
        var empty = await UploadAsync(client, [], "empty.csv");
        (await Files.WaitUntilSettled(archive, client: client)).GetProperty("status").GetString().ShouldBe("Completed");
        (await Files.WaitUntilSettled(empty, client: client)).GetProperty("status").GetString().ShouldBe("Failed");
        var children = (await client.GetFromJsonAsync<JsonElement>($"/files?parent={archive}")).GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).ToList();
        children.Count.ShouldBe(2);

        // The failed file's original is kept after it is reported Failed.
        var incoming = await KeysAsync("e2e-incoming", tenant + "/");
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !incoming.Any(k => k.EndsWith($"_{empty}_empty.csv", StringComparison.Ordinal)) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(200);
            incoming = await KeysAsync("e2e-incoming", tenant + "/");
        }

        incoming.ShouldContain($"{tenant}/uploads/{archive}/stored.zip");
        incoming.ShouldContain($"{tenant}/uploads/{empty}/empty.csv");
        // The two entries and the list of the children they became.
        incoming.Count(k => k.StartsWith($"{tenant}/archives/{archive}/", StringComparison.Ordinal)).ShouldBe(3, string.Join('\n', incoming));
        incoming.ShouldContain($"{tenant}/archives/{archive}/children.jsonl");
        incoming.ShouldContain(k => k.StartsWith($"{tenant}/failed/", StringComparison.Ordinal) && k.EndsWith($"_{empty}_empty.csv", StringComparison.Ordinal));
        var processed = await KeysAsync("e2e-processed", tenant + "/");
        foreach (var child in children)
            processed.Count(k => k.StartsWith($"{tenant}/processed/", StringComparison.Ordinal) && k.Contains($"/{child}/", StringComparison.Ordinal)).ShouldBe(1);

        // Nothing of these files is anywhere else, in any bucket.
        var ids = children.Append(archive).Append(empty).Select(id => id.ToString()).ToList();
        foreach (var bucket in new[] { "e2e-incoming", "e2e-staging", "e2e-processed" })
            (await KeysAsync(bucket, "")).Where(k => ids.Any(id => k.Contains(id, StringComparison.Ordinal)))
                .ShouldAllBe(k => k.StartsWith(tenant + "/", StringComparison.Ordinal), bucket);
    }

    [Test]
    public async Task An_admin_sees_another_tenant_only_when_it_asks_for_it()
    {
        using var other = SagaFilesApp.ClientWith(_otherTenant);
        (await other.GetAsync($"/files/{_file}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/files/{_file}?tenant={SagaFilesApp.Tenant}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var reader = SagaFilesApp.ClientWith(await Key("other", [ApiScopes.FilesRead]));
        (await reader.GetAsync($"/files/{_file}?tenant={SagaFilesApp.Tenant}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "?tenant= is for admins only");
    }

    [Test]
    public async Task A_revoked_key_stops_working_within_five_seconds()
    {
        var secret = await Key(SagaFilesApp.Tenant, [ApiScopes.FilesRead]);
        using var client = SagaFilesApp.ClientWith(secret);
        (await client.GetAsync("/files")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var admin = SagaFilesApp.ClientWith(_all);
        (await admin.PostAsync($"/admin/keys/{await KeyId(secret)}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var revokedAt = DateTime.UtcNow;
        while ((await client.GetAsync("/files")).StatusCode != HttpStatusCode.Unauthorized)
        {
            (DateTime.UtcNow - revokedAt).ShouldBeLessThan(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }

        TestContext.Out.WriteLine($"revocation took effect after {(DateTime.UtcNow - revokedAt).TotalMilliseconds:0} ms");
    }

    [Test]
    public async Task Admin_keys_are_created_once_with_their_secret_listed_without_it_and_revoked()
    {
        using var admin = SagaFilesApp.ClientWith(_all);
        var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "ci", tenant = "tenant-c", scopes = new[] { "files:read" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        Remember(secret);
        var id = body.GetProperty("key").GetProperty("id").GetGuid();
        secret.ShouldStartWith(body.GetProperty("key").GetProperty("prefix").GetString()!);

        var listed = await admin.GetStringAsync("/admin/keys?tenant=tenant-c");
        listed.ShouldContain(id.ToString());
        listed.ShouldNotContain(secret);

        (await admin.PostAsJsonAsync("/admin/keys", new { name = "bad", tenant = "Not A Tenant", scopes = new[] { "files:read" } }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/admin/keys", new { name = "bad", tenant = "t", scopes = new[] { "root" } }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync($"/admin/keys/{Guid.NewGuid()}/revoke", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var revoked = await (await admin.PostAsync($"/admin/keys/{id}/revoke", null)).Content.ReadFromJsonAsync<JsonElement>();
        revoked.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Test]
    public async Task Each_request_is_logged_with_its_key_and_tenant()
    {
        using var client = SagaFilesApp.ClientWith(_readOnly);
        var marker = Guid.NewGuid();
        (await client.GetAsync($"/files/{marker}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var line = SagaFilesApp.Logs.Lines.Single(l => l.Contains($"/files/{marker}", StringComparison.Ordinal) && l.Contains("\"StatusCode\":404"));
        line.ShouldContain($"\"KeyId\":\"{await KeyId(_readOnly)}\"");
        line.ShouldContain($"\"Tenant\":\"{SagaFilesApp.Tenant}\"");
    }

    /// <summary>Runs last in the fixture: every secret used above is searched for in every log line and every row.</summary>
    [OneTimeTearDown]
    public async Task No_secret_is_in_a_log_line_or_a_database_row()
    {
        var logs = SagaFilesApp.Logs.Lines;
        logs.ShouldNotBeEmpty();
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        await using var connection = new NpgsqlConnection(scope.ServiceProvider.GetRequiredService<SagaFiles.Components.Data.SagaFilesDbContext>()
            .Database.GetConnectionString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        tables.ShouldContain("api_keys");

        foreach (var secret in SecretsSeen)
        {
            logs.Where(l => l.Contains(secret, StringComparison.Ordinal)).ShouldBeEmpty();
            foreach (var table in tables)
            {
                await using var search = new NpgsqlCommand($"select count(*) from \"{table}\" t where t::text like '%' || @secret || '%'", connection);
                search.Parameters.AddWithValue("secret", secret);
                ((long)(await search.ExecuteScalarAsync())!).ShouldBe(0, $"table {table}");
            }
        }
    }

    static async Task<string> Key(string tenant, IReadOnlyCollection<string> scopes) => Remember(await SagaFilesApp.CreateKeyAsync(tenant, scopes));

    static string Remember(string secret)
    {
        lock (SecretsSeen)
            SecretsSeen.Add(secret);
        return secret;
    }

    static async Task<Guid> KeyId(string secret)
    {
        using var admin = SagaFilesApp.ClientWith(_all);
        var keys = await admin.GetFromJsonAsync<JsonElement>("/admin/keys");
        return keys.EnumerateArray().Single(k => secret.StartsWith(k.GetProperty("prefix").GetString()!, StringComparison.Ordinal)).GetProperty("id").GetGuid();
    }

    static async Task<Guid> UploadAsync(HttpClient client, byte[] content, string name, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files") { Content = Files.Form(content, name) };
        if (idempotencyKey != null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    static async Task<List<string>> KeysAsync(string bucket, string prefix)
    {
        using var s3 = SagaFilesApp.Stack.CreateS3Client();
        var keys = new List<string>();
        var request = new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        } while (request.ContinuationToken != null);

        return keys;
    }

    sealed record RegisteredEndpoint(string Method, string Route, bool Anonymous, string[] Scopes);

    static IEnumerable<RegisteredEndpoint> Endpoints() =>
        SagaFilesApp.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => "/" + e.RoutePattern.RawText!.TrimStart('/') != FastEndpointsTestRoute)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method => new RegisteredEndpoint(
                method,
                "/" + e.RoutePattern.RawText!.TrimStart('/'),
                e.Metadata.GetMetadata<IAllowAnonymous>() != null,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Intersect(ApiScopes.All).ToArray())));

    /// <summary>A route of one file or upload (the WebSocket is sent a file): another tenant's answers 404.</summary>
    static bool IsOwnedRoute(string route) =>
        route.StartsWith("/files/{id", StringComparison.Ordinal) || route.StartsWith("/uploads/{id", StringComparison.Ordinal) || route == "/ws";

    static bool IsAnonymousRoute(string route) => AnonymousRoutes.Any(r => route.StartsWith(r, StringComparison.Ordinal));

    /// <summary>The request the matrix sends: route values and a body a right caller would send.</summary>
    static async Task<HttpStatusCode> Send(string method, string route, string? secret)
    {
        using var client = SagaFilesApp.ClientWith(secret);
        var path = RouteValue().Replace(route, match => match.Groups[1].Value switch
        {
            "id" when route.StartsWith("/admin/keys", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            "id" when route.StartsWith("/uploads", StringComparison.Ordinal) => _upload.ToString(),
            "n" => "1",
            "id" => _file.ToString(),
            "queue" => "convert-file",
            var name => throw new InvalidOperationException($"No sample value for {{{name}}} in {route}: add one to the matrix.")
        });
        // Without an upgrade the WebSocket answers 426 once the caller may see the file (WebSocket_Specs opens real ones).
        if (path == "/ws")
            path += $"?file_id={_file}";
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST" && path == "/files")
            request.Content = Files.Form("n\n1\n"u8.ToArray(), "matrix.csv");
        else if (method == "POST" && path == "/uploads")
            request.Content = JsonContent.Create(new { name = "matrix.bin", size = 10 });
        else if (method == "PUT" && path.StartsWith("/uploads/", StringComparison.Ordinal))
            request.Content = new ByteArrayContent(new byte[10]);
        else if (method == "POST" && path.EndsWith("/complete", StringComparison.Ordinal))
            request.Content = JsonContent.Create(new { });
        else if (method == "POST" && path == "/admin/keys")
            request.Content = JsonContent.Create(new { name = "matrix", tenant = "matrix", scopes = new[] { ApiScopes.FilesRead } });
        // Of an event stream only the headers: GET /files/progress does not end (disposing the response leaves it).
        var stream = path.EndsWith("/progress", StringComparison.Ordinal);
        using var response = await client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
        if (stream && response.IsSuccessStatusCode)
            return response.StatusCode;
        if (method == "POST" && path == "/admin/keys" && response.IsSuccessStatusCode)
            Remember((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
        if (secret != null)
            (await response.Content.ReadAsStringAsync()).ShouldNotContain(secret);
        return response.StatusCode;
    }

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteValue();
}
