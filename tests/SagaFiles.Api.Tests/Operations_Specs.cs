using System.Text.Json;
using Amazon.SQS.Model;
using SagaFiles.Api.Security;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

/// <summary>What an operator's views read: the state machine's graph, failures by group, filtered lists, dead letters, system figures.</summary>
public class Operations_Specs
{
    [Test]
    public async Task The_state_machine_graph_comes_from_the_machine_with_every_state_and_the_steps_transitions()
    {
        var graph = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/state-machine");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToList();
        var states = nodes.Where(n => n.GetProperty("kind").GetString() == "state").Select(n => n.GetProperty("name").GetString()).ToList();
        var machine = new FileStateMachine(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new FileSagaOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FileStateMachine>.Instance);
        states.ShouldBe(machine.States.Select(s => s.Name).Where(s => s != FileStates.Final).Order(StringComparer.Ordinal).ToList(), ignoreOrder: true);
        var edges = graph.GetProperty("edges").EnumerateArray().Select(e => (e.GetProperty("from").GetString(), e.GetProperty("to").GetString())).ToList();
        edges.ShouldContain(("state:Downloading", "event:Downloaded"));
        edges.ShouldContain(("event:Downloaded", "state:Checksumming"));
        edges.ShouldContain(("event:RetryRequested", "state:Downloading"));
        nodes.Single(n => n.GetProperty("id").GetString() == "event:Downloaded").GetProperty("message").GetString().ShouldBe("FileDownloaded");
        var ids = nodes.Select(n => n.GetProperty("id").GetString()).ToHashSet();
        edges.ShouldAllBe(e => ids.Contains(e.Item1) && ids.Contains(e.Item2));
    }

    [Test]
    public async Task Failures_are_grouped_by_step_and_reason_and_a_groups_filter_retries_exactly_that_group()
    {
        using var client = await NewTenantClient();
        var empty = new[] { await Files.Upload([], "g-empty-1.csv", client: client), await Files.Upload([], "g-empty-2.csv", client: client) };
        var ragged = await Files.Upload("a,b\n1,2\n3\n"u8.ToArray(), "g-ragged.csv", client: client);
        foreach (var id in empty.Append(ragged))
            (await Files.WaitUntilSettled(id, client: client)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));

        var failures = await client.GetFromJsonAsync<JsonElement>("/files/failures");
        failures.GetProperty("failed").GetInt32().ShouldBe(3);
        var groups = failures.GetProperty("groups").EnumerateArray().ToList();
        groups.Select(g => (g.GetProperty("step").GetString(), g.GetProperty("files").GetInt32())).ShouldBe([(FileSteps.Download, 2), (FileSteps.Convert, 1)]);
        groups[0].GetProperty("reason").GetString()!.ShouldContain("empty");

        var retry = await client.PostAsJsonAsync("/files/retry", groups[0].GetProperty("retry"));
        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32().ShouldBe(2);

        (await client.GetAsync("/files/failures?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task The_file_list_filters_by_type_tag_and_upload_time()
    {
        using var client = await NewTenantClient();
        var before = DateTimeOffset.UtcNow;
        var csv = await Files.Upload("a\n1\n"u8.ToArray(), "f.csv", "team=data,keep=yes", client);
        var text = await Files.Upload("hello there"u8.ToArray(), "f.txt", "team=ops", client);
        await Files.WaitUntilSettled(csv, client: client);
        await Files.WaitUntilSettled(text, client: client);

        async Task<List<Guid>> Ids(string query) => (await client.GetFromJsonAsync<JsonElement>($"/files?{query}")).GetProperty("items")
            .EnumerateArray().Select(f => f.GetProperty("id").GetGuid()).ToList();
        (await Ids("type=csv")).ShouldBe([csv]);
        (await Ids("type=tabular")).ShouldBe([csv]);
        (await Ids("tag=team%3Dops")).ShouldBe([text]);
        (await Ids("tag=keep")).ShouldBe([csv]);
        (await Ids("tag=team%3Dnobody")).ShouldBeEmpty();
        (await Ids($"from={Uri.EscapeDataString(before.AddMinutes(-1).ToString("O"))}")).Count.ShouldBe(2);
        (await Ids($"to={Uri.EscapeDataString(before.AddMinutes(-1).ToString("O"))}")).ShouldBeEmpty();
        (await client.GetAsync("/files?tag=%3Dx")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Dead_letters_are_counted_per_step_queue_and_peeked_without_taking_them()
    {
        var bytes = new byte[4096];
        new Random(17).NextBytes(bytes);
        var id = await Files.Upload(bytes, "peek-me.csv");
        (await Files.WaitUntilSettled(id)).GetProperty("currentStep").GetString().ShouldBe(FileSteps.Convert);

        var listed = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/dead-letters");
        var convert = listed.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("queue").GetString() == "convert-file");
        convert.GetProperty("errors").GetInt64().ShouldBeGreaterThan(0);
        listed.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("queue").GetString()).ShouldBe(FileSteps.Queues);

        JsonElement peeked = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            peeked = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/dead-letters/convert-file/messages?limit=50");
            if (peeked.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("body").GetString()!.Contains(id.ToString())))
                break;
        }

        peeked.GetProperty("queue").GetString().ShouldBe("convert-file_error");
        var message = peeked.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("body").GetString()!.Contains(id.ToString()));
        message.GetProperty("faultMessage").GetString().ShouldNotBeNullOrEmpty();
        // Left where it was: visible to the next reader at once (other specs' commands share the queue: read until it shows).
        using var sqs = SagaFilesApp.Stack.CreateSqsClient();
        var errorUrl = (await sqs.GetQueueUrlAsync($"{SagaFilesApp.MessagingPrefix}_convert-file_error")).QueueUrl;
        var seen = new HashSet<string>();
        for (var deadline = DateTime.UtcNow.AddSeconds(5); !seen.Contains(message.GetProperty("messageId").GetString()!) && DateTime.UtcNow < deadline;)
            foreach (var m in (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(errorUrl) { MaxNumberOfMessages = 10, VisibilityTimeout = 0 })).Messages ?? [])
                seen.Add(m.MessageId);
        seen.ShouldContain(message.GetProperty("messageId").GetString());

        (await SagaFilesApp.Api.GetAsync("/dead-letters/parked/messages")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SagaFilesApp.Api.GetAsync("/dead-letters/convert-file/messages?from=nowhere")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task System_figures_count_finished_files_with_step_percentiles_and_queue_depths()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "stats.csv");
        await Files.WaitUntilSettled(id);

        var stats = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>("/stats?minutes=60");
        stats.GetProperty("completed").GetInt64().ShouldBeGreaterThan(0);
        var rate = stats.GetProperty("successRate").GetDouble();
        rate.ShouldBeInRange(0, 1);
        stats.GetProperty("perMinute").EnumerateArray().Sum(m => m.GetProperty("completed").GetInt64()).ShouldBe(stats.GetProperty("completed").GetInt64());
        var steps = stats.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("step").GetString()).ShouldBe(FileSteps.All.Select(s => s.Name), "every step ran, in their order");
        steps.ShouldAllBe(s => s.GetProperty("p50Ms").GetDouble() <= s.GetProperty("p95Ms").GetDouble()
            && s.GetProperty("p95Ms").GetDouble() <= s.GetProperty("p99Ms").GetDouble());
        stats.GetProperty("queues").EnumerateArray().ShouldContain(q => q.GetProperty("queue").GetString() == "convert-file" && q.GetProperty("kind").GetString() == "main");

        (await SagaFilesApp.Api.GetAsync("/stats?minutes=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task A_download_link_is_the_presigned_url_as_json_for_a_page_that_cannot_read_a_redirect()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "link.csv");
        await Files.WaitUntilSettled(id);

        var link = await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>($"/files/{id}/download?what=result&link=true");
        using var storage = new HttpClient();
        var linked = await storage.GetByteArrayAsync(link.GetProperty("url").GetString());
        linked.ShouldBe(await Files.Download(id, "result"), "the same object as the redirect's");
        (await SagaFilesApp.Api.GetAsync($"/files/{Guid.NewGuid()}/download?link=true")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    static async Task<HttpClient> NewTenantClient() =>
        SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync($"ops-{Guid.NewGuid():N}"[..16], [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
}
