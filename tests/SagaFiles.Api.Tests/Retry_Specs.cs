using System.Text;
using System.Text.Json;
using SagaFiles.Api.Security;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

public class Retry_Specs
{
    [Test]
    public async Task A_failed_file_retried_through_the_api_runs_its_failed_step_again()
    {
        var id = await Files.Upload([], "still-empty.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));

        var response = await SagaFilesApp.Api.PostAsync($"/files/{id}/retry", null);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await FailedAgainOnce(id);
    }

    [Test]
    public async Task Retrying_needs_files_write_on_the_files_own_tenant()
    {
        var id = await Files.Upload([], "retry-access.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));
        using var reader = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]));
        using var otherWriter = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("retry-other", [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
        using var otherAdmin = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("retry-other", ApiScopes.All));
        using var writer = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesWrite]));

        (await reader.PostAsync($"/files/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await otherWriter.PostAsync($"/files/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otherAdmin.GetAsync($"/files/{id}?tenant={SagaFilesApp.Tenant}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await otherAdmin.PostAsync($"/files/{id}/retry?tenant={SagaFilesApp.Tenant}", null)).StatusCode
            .ShouldBe(HttpStatusCode.NotFound, "?tenant= shows another tenant's files; it does not act on them");
        (await writer.PostAsync($"/files/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        // Only the last one resumed the file.
        await FailedAgainOnce(id);
    }

    /// <summary>The still-empty file's resumed Download fails again, as its second attempt, and that was the only retry.</summary>
    static async Task FailedAgainOnce(Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement saga;
        do
        {
            await Task.Delay(200);
            saga = await Files.Get(id, "/saga");
        } while ((saga.GetProperty("attempt").GetInt32() < 2 || saga.GetProperty("currentState").GetString() != FileStates.Failed)
                 && DateTime.UtcNow < deadline);
        DateTime.UtcNow.ShouldBeLessThan(deadline, saga.ToString());

        var events = (await Files.Get(id, "/events")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()).ToList();
        events.ShouldBe([nameof(FileStateMachine.Downloading), FileStates.Failed, nameof(FileStateMachine.Downloading), FileStates.Failed]);
    }

    [Test]
    public async Task Only_a_failed_file_can_be_retried()
    {
        var id = await Files.Upload(Encoding.UTF8.GetBytes("a\n1\n"), "fine.csv");
        await Files.WaitUntilSettled(id);

        (await SagaFilesApp.Api.PostAsync($"/files/{id}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SagaFilesApp.Api.PostAsync($"/files/{Guid.NewGuid()}/retry", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
