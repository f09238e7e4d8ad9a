using System.Text;
using System.Text.Json;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

public class FileQueries_Specs
{
    [Test]
    public async Task Files_list_newest_first_filtered_by_status_with_paging_and_a_total()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await Files.Upload(Encoding.UTF8.GetBytes($"a\n{i}\n"), $"list-{i}.csv"));
        foreach (var id in ids)
            await Files.WaitUntilSettled(id);

        var firstPage = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/files?status=Completed&page=1&limit=2");
        firstPage.GetProperty("total").GetInt32().ShouldBeGreaterThanOrEqualTo(3);
        var items = firstPage.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(2);
        items.ShouldAllBe(f => f.GetProperty("status").GetString() == nameof(FileStatus.Completed));
        var created = items.Select(f => f.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        created.ShouldBe(created.OrderByDescending(c => c).ToList(), "newest first");

        var secondPage = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/files?status=Completed&page=2&limit=2");
        secondPage.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("id").GetGuid())
            .ShouldNotContain(items[0].GetProperty("id").GetGuid());

        var failed = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/files?status=Failed&limit=100");
        failed.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("id").GetGuid()).ShouldNotContain(ids[0]);
    }

    [TestCase("page=0")]
    [TestCase("page=21474838&limit=100")]
    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("status=Sideways")]
    [TestCase("page=abc")]
    public async Task Bad_paging_or_status_values_answer_400_with_problem_details(string query)
    {
        var response = await SagaFilesApp.Api.GetAsync($"/files?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [TestCase("")]
    [TestCase("/saga")]
    [TestCase("/events")]
    [TestCase("/download?what=original")]
    public async Task An_unknown_file_is_404(string path)
    {
        var response = await SagaFilesApp.Api.GetAsync($"/files/{Guid.NewGuid()}{path}");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_saga_and_the_history_show_every_step_with_its_attempt_worker_and_timing()
    {
        // Over the download's 64 KiB first read, so the checksum step runs.
        var id = await Files.Upload(Encoding.UTF8.GetBytes("x,y\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"{i},{i * 2}\n"))), "inspect.csv");
        await Files.WaitUntilSettled(id);

        var saga = await Files.Get(id, "/saga");
        saga.GetProperty("currentState").GetString().ShouldBe(FileStates.Completed);
        saga.GetProperty("version").GetUInt32().ShouldBeGreaterThan(0u);
        var steps = saga.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("step").GetString()).ShouldBe([FileSteps.Download, FileSteps.Checksum, FileSteps.Convert, FileSteps.Upload]);
        steps.ShouldAllBe(s => s.GetProperty("queue").GetString() == FileSteps.Named(s.GetProperty("step").GetString()!).Queue);
        steps.ShouldAllBe(s => s.GetProperty("attempts").GetInt32() == 1 && s.GetProperty("durationMs").GetDouble() >= 0
            && s.GetProperty("workerHost").GetString() != null);

        var events = (await Files.Get(id, "/events")).GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("to").GetString()).ShouldBe([nameof(FileStateMachine.Downloading), nameof(FileStateMachine.Checksumming),
            nameof(FileStateMachine.Converting), nameof(FileStateMachine.Uploading), FileStates.Completed]);
        events.Select(e => e.GetProperty("at").GetDateTimeOffset()).ShouldBeInOrder();
        events.Skip(1).ShouldAllBe(e => e.GetProperty("workerHost").GetString() != null && e.GetProperty("attempt").GetInt32() == 1);
    }

    [Test]
    public async Task A_small_file_is_converted_by_its_download_and_shows_its_other_steps_done_by_the_download()
    {
        var id = await Files.Upload("x,y\n1,2\n"u8.ToArray(), "small.csv");
        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));

        var steps = (await Files.Get(id, "/saga")).GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => (s.GetProperty("step").GetString(), s.GetProperty("attempts").GetInt32()))
            .ShouldBe([(FileSteps.Download, 1), (FileSteps.Checksum, 0), (FileSteps.Convert, 0), (FileSteps.Upload, 0)]);
        steps.ShouldAllBe(s => s.GetProperty("workerHost").GetString() == steps[0].GetProperty("workerHost").GetString());
        var events = (await Files.Get(id, "/events")).GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("to").GetString()).ShouldBe([nameof(FileStateMachine.Downloading), FileStates.Completed]);

        // The download published the result where the upload step would have, with the same metadata.
        var output = file.GetProperty("outputs").EnumerateArray().ShouldHaveSingleItem();
        output.GetProperty("key").GetString()!.ShouldContain("/processed/");
        output.GetProperty("key").GetString()!.ShouldEndWith($"/{id}/small.parquet");
    }
}
