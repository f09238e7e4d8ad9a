using System.Text;
using System.Text.Json;
using SagaFiles.Api.Security;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

/// <summary>POST /files/retry: a class of failures retried in one request, through the same retry as one file's.</summary>
public class BulkRetry_Specs
{
    [Test]
    public async Task Failed_files_matching_the_filter_are_retried_and_their_history_names_the_bulk_retry()
    {
        using var client = await NewTenantClient([ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        var empty = new[] { await Upload(client, [], "empty-1.csv"), await Upload(client, [], "empty-2.csv") };
        var ragged = await Upload(client, "a,b\n1,2\n3\n"u8.ToArray(), "ragged.csv");
        var fine = await Upload(client, "a\n1\n"u8.ToArray(), "fine.csv");
        foreach (var id in empty.Append(ragged))
            (await Files.WaitUntilSettled(id, client: client)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));
        (await Files.WaitUntilSettled(fine, client: client)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));

        var before = DateTimeOffset.UtcNow;
        var response = await client.PostAsJsonAsync("/files/retry", new { step = FileSteps.Download, reason = "EMPTY (0 bytes)", to = before.AddMinutes(1) });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("retried").GetInt32().ShouldBe(2);
        var bulkId = body.GetProperty("bulkId").GetGuid();

        foreach (var id in empty)
        {
            var events = await EventsAfterRetry(client, id);
            var resumed = events.Single(e => e.GetProperty("from").GetString() == FileStates.Failed);
            resumed.GetProperty("to").GetString().ShouldBe(nameof(FileStateMachine.Downloading));
            resumed.GetProperty("note").GetString()!.ShouldContain($"Bulk retry {bulkId}");
            resumed.GetProperty("note").GetString()!.ShouldContain("step=Download");
        }

        // The Convert failure did not match the filter: still failed once, never resumed.
        (await Files.Get(ragged, "/events", client)).GetProperty("events").EnumerateArray()
            .Count(e => e.GetProperty("from").GetString() == FileStates.Failed).ShouldBe(0);

        var byStep = await client.PostAsJsonAsync("/files/retry", new { status = "Failed", step = FileSteps.Convert });
        (await byStep.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(1);
        (await EventsAfterRetry(client, ragged)).Single(e => e.GetProperty("from").GetString() == FileStates.Failed)
            .GetProperty("note").GetString()!.ShouldContain("step=Convert");
    }

    [Test]
    public async Task Retrying_an_archive_retries_only_its_failed_children()
    {
        using var client = await NewTenantClient([ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        var archive = await Upload(client, ContentProcessing_Specs.Zip(("good.csv", "n\n1\n"), ("empty.csv", ""), ("other.csv", "n\n2\n")), "mixed.zip");
        (await Files.WaitUntilSettled(archive, client: client)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));
        var children = (await client.GetFromJsonAsync<JsonElement>($"/files?parent={archive}")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("originalName").GetString()!, c => (Id: c.GetProperty("id").GetGuid(), Status: c.GetProperty("status").GetString()));
        children["empty.csv"].Status.ShouldBe(nameof(FileStatus.Failed));
        var unrelated = await Upload(client, [], "unrelated-empty.csv");
        await Files.WaitUntilSettled(unrelated, client: client);

        var response = await client.PostAsJsonAsync("/files/retry", new { parent = archive });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(1);

        (await EventsAfterRetry(client, children["empty.csv"].Id)).ShouldContain(e => e.GetProperty("from").GetString() == FileStates.Failed);
        foreach (var id in new[] { children["good.csv"].Id, children["other.csv"].Id, unrelated })
            (await Files.Get(id, "/events", client)).GetProperty("events").EnumerateArray()
                .ShouldNotContain(e => e.GetProperty("from").GetString() == FileStates.Failed);

        // The archive itself, retried alone or matched by a filter, stands for its failed children: it is not converted again.
        (await client.PostAsync($"/files/{archive}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var events = await EventsAfterRetry(client, children["empty.csv"].Id, failures: 3);
        events.Last(e => e.GetProperty("from").GetString() == FileStates.Failed).GetProperty("note").GetString()!
            .ShouldStartWith($"Retry of archive {archive} requested by key ");
        var byStatus = await client.PostAsJsonAsync("/files/retry", new { status = "Failed" });
        (await byStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(2, "the unrelated file and, for the archive, its failed child");
        await EventsAfterRetry(client, children["empty.csv"].Id, failures: 4);
        (await Files.Get(archive, "/events", client)).GetProperty("events").EnumerateArray()
            .ShouldNotContain(e => e.GetProperty("from").GetString() == FileStates.Failed);
    }

    [Test]
    public async Task A_bulk_retry_needs_a_filter_files_write_and_acts_on_the_callers_tenant_only()
    {
        using var writer = await NewTenantClient([ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        var failed = await Upload(writer, [], "mine.csv");
        await Files.WaitUntilSettled(failed, client: writer);
        using var other = await NewTenantClient(ApiScopes.All);
        using var reader = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]));

        foreach (var bad in new object[] { new { }, new { status = "Completed" }, new { step = "Scan" }, new { reason = " " },
                     new { from = DateTimeOffset.UtcNow, to = DateTimeOffset.UtcNow.AddHours(-1) } })
            (await writer.PostAsJsonAsync("/files/retry", bad)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, JsonSerializer.Serialize(bad));
        (await reader.PostAsJsonAsync("/files/retry", new { status = "Failed" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Another tenant's admin neither sees the parent nor retries the file, with or without ?tenant=.
        (await other.PostAsJsonAsync("/files/retry", new { parent = failed })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var otherRetry = await other.PostAsJsonAsync("/files/retry?tenant=" + TenantOf(writer), new { status = "Failed" });
        (await otherRetry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(0);
        (await Files.Get(failed, "/events", writer)).GetProperty("events").EnumerateArray()
            .ShouldNotContain(e => e.GetProperty("from").GetString() == FileStates.Failed);
    }

    static readonly Dictionary<HttpClient, string> Tenants = [];

    static async Task<HttpClient> NewTenantClient(IReadOnlyCollection<string> scopes)
    {
        var tenant = $"bulk-{Guid.NewGuid():N}"[..16];
        var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(tenant, scopes));
        lock (Tenants)
            Tenants[client] = tenant;
        return client;
    }

    static string TenantOf(HttpClient client)
    {
        lock (Tenants)
            return Tenants[client];
    }

    static async Task<Guid> Upload(HttpClient client, byte[] content, string name)
    {
        var response = await client.PostAsync("/files", Files.Form(content, name));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>The file's history once its retry has run and it settled again (these files fail again: same content).</summary>
    static async Task<List<JsonElement>> EventsAfterRetry(HttpClient client, Guid id, int failures = 2)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonElement> events;
        do
        {
            await Task.Delay(200);
            events = [.. (await Files.Get(id, "/events", client)).GetProperty("events").EnumerateArray()];
        } while (events.Count(e => e.GetProperty("to").GetString() == FileStates.Failed) < failures && DateTime.UtcNow < deadline);

        DateTime.UtcNow.ShouldBeLessThan(deadline, string.Join('\n', events));
        return events;
    }
}
