using System.Text;
using System.Text.Json;
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

        // The content is still empty, so the resumed Download fails again, as its second attempt.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement saga;
        do
        {
            await Task.Delay(200);
            saga = await Files.Get(id, "/saga");
        } while (saga.GetProperty("attempt").GetInt32() < 2 || saga.GetProperty("currentState").GetString() != FileStates.Failed);
        DateTime.UtcNow.ShouldBeLessThan(deadline);

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
