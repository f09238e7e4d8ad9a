using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using SagaFiles.Api.Features.Files.Progress;
using SagaFiles.Api.Security;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

/// <summary>GET /files/{id}/progress: a file's transitions as Server-Sent Events, from the workers through any API instance.</summary>
public class Progress_Specs
{
    [Test]
    public async Task A_files_transitions_reach_a_client_of_another_api_instance_in_order_and_the_stream_ends_with_its_outcome()
    {
        // The workers write the transitions; the stream is served by an instance that did not take the upload.
        await using var other = SagaFilesApp.NewApi(new Dictionary<string, string>());
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]), other);
        var id = await Files.Upload("a,b\n1,2\n3,4\n"u8.ToArray(), "progress.csv");
        (await Files.Get(id)).GetProperty("status").GetString().ShouldNotBe(nameof(FileStatus.Completed),
            "the file is still on its way when the stream opens, so its transitions arrive live");

        var events = await ReadStream(client, id);

        var transitions = events.Where(e => e.Event == "transition").ToList();
        transitions.Select(e => e.Id).ShouldBe(Enumerable.Range(0, transitions.Count).Select(i => (int?)i));
        transitions.Select(e => e.Data.GetProperty("to").GetString()).ShouldBe([nameof(FileStateMachine.Downloading), FileStates.Completed],
            "a small file's download does the other steps' work");
        var history = (await Files.Get(id, "/events")).GetProperty("events").EnumerateArray().ToList();
        transitions.Select(e => e.Data.GetRawText()).ShouldBe(history.Select(h => h.GetRawText()), "each event as GET /files/{id}/events shows it");
        var outcome = events[^1];
        outcome.Event.ShouldBe("outcome");
        outcome.Id.ShouldBeNull();
        outcome.Data.GetProperty("id").GetGuid().ShouldBe(id);
        outcome.Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        events.Count(e => e.Event == "outcome").ShouldBe(1);
    }

    [Test]
    public async Task A_client_reconnecting_with_Last_Event_ID_gets_only_what_it_missed()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "resume.csv");
        await Files.WaitUntilSettled(id);
        var all = await ReadStream(SagaFilesApp.Api, id);
        all.Count(e => e.Event == "transition").ShouldBe(2, "Downloading, Completed");

        var rest = await ReadStream(SagaFilesApp.Api, id, lastEventId: "0");
        rest.Select(e => (e.Id, e.Event)).ShouldBe([(1, "transition"), (null, "outcome")]);
        rest[0].Data.GetRawText().ShouldBe(all[1].Data.GetRawText());

        var caughtUp = await ReadStream(SagaFilesApp.Api, id, lastEventId: "1");
        caughtUp.Select(e => e.Event).ShouldBe(["outcome"]);
    }

    [Test]
    public async Task A_failed_file_ends_its_stream_with_a_failed_outcome()
    {
        var id = await Files.Upload([], "empty.csv");
        var events = await ReadStream(SagaFilesApp.Api, id);
        events[^1].Event.ShouldBe("outcome");
        events[^1].Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));
        events.Where(e => e.Event == "transition").Select(e => e.Data.GetProperty("to").GetString()).Last().ShouldBe(FileStates.Failed);
    }

    [Test]
    public async Task Another_tenants_file_is_404_and_an_anonymous_caller_401()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "private.csv");
        using var stranger = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync("progress-other", [ApiScopes.FilesRead]));
        (await stranger.GetAsync($"/files/{id}/progress")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var anonymous = SagaFilesApp.ClientWith(null);
        (await anonymous.GetAsync($"/files/{id}/progress")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task The_tenant_stream_shows_the_transitions_of_the_tenants_files_only_and_their_outcomes()
    {
        var tenant = $"live-{Guid.NewGuid():N}"[..16];
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync("/files/progress", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = Read(new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)), timeout.Token);

        var elsewhere = await Files.Upload("a\n1\n"u8.ToArray(), "elsewhere.csv");
        var upload = await client.PostAsync("/files", Files.Form("a,b\n1,2\n"u8.ToArray(), "tenant-live.csv"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var seen = new List<ServerSentEvent>();
        await foreach (var e in events)
        {
            seen.Add(e);
            if (e.Event == "outcome")
                break;
        }

        seen.ShouldAllBe(e => FileOf(e) == id, $"only the tenant's file, not {elsewhere}");
        var transitions = seen.Where(e => e.Event == "transition").ToList();
        transitions.Select(e => e.Data.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 2));
        seen.Select(e => e.Position).ShouldBe(seen.Select(e => e.Position).Order().Distinct(), "ids are positions, in commit order");
        transitions.Select(e => e.Data.GetProperty("event").GetProperty("to").GetString()).Last().ShouldBe(FileStates.Completed);
        seen[^1].Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
    }

    [Test]
    public async Task A_tenant_stream_client_that_drops_and_reconnects_with_Last_Event_ID_gets_what_it_missed_in_order_through_another_instance()
    {
        var tenant = $"resume-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        // The fixture's instance takes the uploads; the client follows them on another one.
        using var uploader = SagaFilesApp.ClientWith(key);
        await using var other = SagaFilesApp.NewApi(new Dictionary<string, string>());
        using var follower = SagaFilesApp.ClientWith(key, other);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        // Connected, the client sees the first file start, then its connection drops.
        var before = new List<ServerSentEvent>();
        Guid first;
        using (var response = await follower.GetAsync("/files/progress", HttpCompletionOption.ResponseHeadersRead, timeout.Token))
        {
            var events = Read(new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)), timeout.Token);
            first = await Files.Upload("a,b\n1,2\n"u8.ToArray(), "resume-first.csv", client: uploader);
            await foreach (var e in events)
            {
                before.Add(e);
                if (e.Event == "transition")
                    break;
            }
        }

        // While it is away: the first file finishes, a second one goes through, another tenant's too.
        await Files.WaitUntilSettled(first, client: uploader);
        var elsewhere = await Files.Upload("a\n1\n"u8.ToArray(), "resume-elsewhere.csv");
        var second = await Files.Upload("a\n1\n"u8.ToArray(), "resume-second.csv", client: uploader);
        await Files.WaitUntilSettled(second, client: uploader);
        await Files.WaitUntilSettled(elsewhere);

        var after = await ReadTenantUntilOutcomes(follower, before[^1].RawId!, [first, second], timeout.Token);

        after.ShouldAllBe(e => FileOf(e) == first || FileOf(e) == second, $"only the tenant's files, not {elsewhere}");
        var all = before.Concat(after).ToList();
        all.Select(e => e.Position).ShouldBe(all.Select(e => e.Position).Order().Distinct(), "in commit order, nothing twice");
        foreach (var id in new[] { first, second })
        {
            var transitions = all.Where(e => e.Event == "transition" && FileOf(e) == id).ToList();
            transitions.Select(e => e.Data.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 2), $"every transition of {id}, in order");
            transitions.Select(e => e.Data.GetProperty("event").GetRawText()).ShouldBe(
                (await Files.Get(id, "/events", uploader)).GetProperty("events").EnumerateArray().Select(h => h.GetRawText()));
            all.Last(e => FileOf(e) == id).Event.ShouldBe("outcome", "a file's outcome follows its transitions");
        }

        // The same client reading from just before its first event gets exactly what it had, then what it missed.
        var again = await ReadTenantUntilOutcomes(follower, (before[0].Position - 1).ToString(CultureInfo.InvariantCulture), [first, second], timeout.Token);
        again.Select(e => (e.RawId, e.Event)).ShouldBe(all.Select(e => (e.RawId, e.Event)));
    }

    [Test]
    public async Task A_large_files_progress_reaches_the_streams_with_a_percentage_while_it_is_checksummed_and_converted()
    {
        var tenant = $"bytes-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        using var uploader = SagaFilesApp.ClientWith(key);
        await using var other = SagaFilesApp.NewApi(new Dictionary<string, string>());
        using var follower = SagaFilesApp.ClientWith(key, other);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        using var tenantStream = await follower.GetAsync("/files/progress", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var tenantEvents = Read(new StreamReader(await tenantStream.Content.ReadAsStreamAsync(timeout.Token)), timeout.Token);

        // 16 MB of CSV: the workers report every 50 ms (Processing:ProgressInterval in the fixture) while they read it.
        var csv = new StringBuilder("id,name,amount\n");
        var rows = 0L;
        for (; csv.Length < 16_000_000; rows++)
            csv.Append(CultureInfo.InvariantCulture, $"{rows},name-{rows % 977},{rows * 0.25}\n");
        var content = Encoding.UTF8.GetBytes(csv.ToString());
        var id = await Files.Upload(content, "progress-large.csv", client: uploader);

        var events = await ReadStream(follower, id);
        var progress = events.Where(e => e.Event == "progress").ToList();
        progress.ShouldNotBeEmpty("a step of a 16 MB file reports while it runs");
        foreach (var e in progress)
        {
            e.Id.ShouldBeNull("a report is not resumed: the next one says more");
            e.Data.GetProperty("fileId").GetGuid().ShouldBe(id);
            e.Data.GetProperty("step").GetString().ShouldBeOneOf(FileSteps.Checksum, FileSteps.Convert);
            var done = e.Data.GetProperty("bytesDone").GetInt64();
            var total = e.Data.GetProperty("bytesTotal").GetInt64();
            total.ShouldBeGreaterThanOrEqualTo(content.Length, "the file's size, or what the converter reads of it");
            done.ShouldBeInRange(1, total);
            e.Data.GetProperty("percent").GetDouble().ShouldBe(Math.Min(100, Math.Round(100.0 * done / total, 1)));
            e.Data.GetProperty("entriesDone").ValueKind.ShouldBe(JsonValueKind.Null, "not an archive");
            if (e.Data.GetProperty("step").GetString() == FileSteps.Checksum)
                e.Data.GetProperty("rowsDone").ValueKind.ShouldBe(JsonValueKind.Null, "hashing counts bytes only");
            else if (done > content.Length + 4_400_000)
                e.Data.GetProperty("rowsDone").GetInt64().ShouldBeInRange(1, rows, "past the 4 MiB it reads first, the converter has counted rows");
            // Between the transition into its step and the one out of it.
            var into = events.Take(events.IndexOf(e)).Last(x => x.Event == "transition");
            into.Data.GetProperty("to").GetString().ShouldBe(e.Data.GetProperty("step").GetString() == FileSteps.Checksum
                ? nameof(FileStateMachine.Checksumming) : nameof(FileStateMachine.Converting));
        }

        // The tenant's stream carried them too, in order with the file's transitions.
        var seen = new List<ServerSentEvent>();
        await foreach (var e in tenantEvents)
        {
            seen.Add(e);
            if (e.Event == "outcome")
                break;
        }

        seen.ShouldAllBe(e => FileOf(e) == id);
        foreach (var e in seen.Where(e => e.Event == "progress"))
            seen.Take(seen.IndexOf(e)).Last(x => x.Event == "transition").Data.GetProperty("event").GetProperty("to").GetString()
                .ShouldBe(e.Data.GetProperty("step").GetString() == FileSteps.Checksum ? nameof(FileStateMachine.Checksumming) : nameof(FileStateMachine.Converting));
        seen.Where(e => e.Event == "progress").ShouldNotBeEmpty();
        // Every report committed is there; the file's stream, which reads the file as it changes, may have skipped one.
        progress.Select(e => e.Data.GetProperty("bytesDone").GetInt64())
            .ShouldBeSubsetOf(seen.Where(e => e.Event == "progress").Select(e => e.Data.GetProperty("bytesDone").GetInt64()));
        seen.Where(e => e.Event == "transition").Select(e => e.Data.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 5));
    }

    [Test]
    public async Task An_archives_expansion_reaches_the_streams_as_entries_out_of_those_its_zip_lists_with_their_percentage()
    {
        var tenant = $"entries-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        using var client = SagaFilesApp.ClientWith(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        using var tenantStream = await client.GetAsync("/files/progress", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var tenantEvents = Read(new StreamReader(await tenantStream.Content.ReadAsStreamAsync(timeout.Token)), timeout.Token);

        // Ten entries of 3 MB that do not compress: storing them takes several of the fixture's 200 ms report intervals.
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("parts/");
            var random = new Random(16);
            for (var i = 0; i < 10; i++)
            {
                var bytes = new byte[3_000_000];
                random.NextBytes(bytes);
                await using var entry = await archive.CreateEntry($"parts/{i}.bin", System.IO.Compression.CompressionLevel.NoCompression).OpenAsync();
                await entry.WriteAsync(bytes);
            }
        }

        var id = await Files.Upload(zip.ToArray(), "entries.zip", client: client);
        var seen = new List<ServerSentEvent>();
        await foreach (var e in tenantEvents)
        {
            if (FileOf(e) != id)
                continue;
            seen.Add(e);
            if (e.Event == "transition" && e.Data.GetProperty("event").GetProperty("from").GetString() == nameof(FileStateMachine.Converting))
                break;
        }

        var entries = seen.Where(e => e.Event == "progress" && e.Data.GetProperty("entriesDone").ValueKind == JsonValueKind.Number).ToList();
        entries.ShouldNotBeEmpty("the expansion reports the entries it stored");
        foreach (var e in entries)
        {
            e.Data.GetProperty("step").GetString().ShouldBe(FileSteps.Convert);
            var done = e.Data.GetProperty("entriesDone").GetInt64();
            done.ShouldBeInRange(1, 10);
            e.Data.GetProperty("entriesTotal").GetInt64().ShouldBe(10, "the central directory lists ten files (and a folder)");
            e.Data.GetProperty("percent").GetDouble().ShouldBe(Math.Round(100.0 * done / 10, 1), "of the entries, when the archive lists them");
            e.Data.GetProperty("rowsDone").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        entries.Select(e => e.Data.GetProperty("entriesDone").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);
        var saga = await Files.Get(id, "/saga", client);
        var convert = saga.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("step").GetString() == FileSteps.Convert);
        convert.GetProperty("entriesTotal").GetInt64().ShouldBe(10, "GET /files/{id}/saga shows the step's last report");
        convert.GetProperty("entriesDone").GetInt64().ShouldBe(entries[^1].Data.GetProperty("entriesDone").GetInt64());
        (await Files.WaitUntilSettled(id, TimeSpan.FromMinutes(2), client)).GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
    }

    [Test]
    public async Task A_tenant_client_resuming_after_events_no_longer_kept_gets_a_reset_then_the_events_that_follow()
    {
        var tenant = $"reset-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        using var client = SagaFilesApp.ClientWith(key);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var first = await Files.Upload("a\n1\n"u8.ToArray(), "reset-first.csv", client: client);
        await Files.WaitUntilSettled(first, client: client);
        var positions = await ExpireFirstEvents(tenant, 2);

        // A client that had only the first event: the one after it is gone, so it is told to start again.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/files/progress"))
        {
            request.Headers.Add("Last-Event-ID", positions[0].ToString(CultureInfo.InvariantCulture));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var events = Read(new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token)), timeout.Token).GetAsyncEnumerator(timeout.Token);
            (await events.MoveNextAsync()).ShouldBeTrue();
            var reset = events.Current;
            reset.Event.ShouldBe("reset");
            reset.Position.ShouldBeGreaterThanOrEqualTo(positions[^1], "it goes on after the newest event, which it does not send again");
            reset.Data.GetProperty("lastEventId").GetInt64().ShouldBe(positions[0]);
            reset.Data.GetProperty("deletedThrough").GetInt64().ShouldBe(positions[1]);
            reset.Data.GetProperty("resumesAfter").GetInt64().ShouldBe(reset.Position);
            reset.Data.GetProperty("reason").GetString()!.ShouldContain("GET /files");

            // Then it is live: the next file's events follow, and nothing from before the reset.
            var second = await Files.Upload("a\n2\n"u8.ToArray(), "reset-second.csv", client: client);
            var after = new List<ServerSentEvent>();
            while (await events.MoveNextAsync())
            {
                after.Add(events.Current);
                if (events.Current.Event == "outcome")
                    break;
            }

            after.ShouldAllBe(e => FileOf(e) == second && e.Position > reset.Position);
            after.Count(e => e.Event == "transition").ShouldBe(2, "Downloading, Completed");
            await events.DisposeAsync();
        }

        // A client that had every deleted event missed nothing: no reset, the events kept after it.
        var kept = await ReadTenantUntilOutcomes(client, positions[1].ToString(CultureInfo.InvariantCulture), [first], timeout.Token);
        kept.Select(e => e.Position).ShouldBe(positions.Skip(2));
        kept.ShouldNotContain(e => e.Event == "reset");
    }

    /// <summary>
    /// Ages the tenant's first <paramref name="count" /> events past the retention window and runs the clean-up, which
    /// deletes them (only them: the others, of every tenant, are recent).
    /// </summary>
    /// <returns>The positions the tenant's events had before.</returns>
    internal static async Task<List<long>> ExpireFirstEvents(string tenant, int count)
    {
        var positions = await PositionsOf(tenant);
        positions.Count.ShouldBeGreaterThan(count);
        await using (var connection = new NpgsqlConnection(SagaFilesApp.Settings["ConnectionStrings__SagaFiles"]))
        {
            await connection.OpenAsync();
            await using var age = new NpgsqlCommand("update file_events set at = now() - interval '2 days' where tenant = $1 and position <= $2", connection)
            {
                Parameters = { new() { Value = tenant }, new() { Value = positions[count - 1] } }
            };
            (await age.ExecuteNonQueryAsync()).ShouldBe(count);
        }

        await using (var scope = SagaFilesApp.Services.CreateAsyncScope())
            (await FileEventCleanup.DeleteOlderThanAsync(scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>(),
                DateTimeOffset.UtcNow - TimeSpan.FromDays(1), CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(count);
        (await PositionsOf(tenant)).ShouldBe(positions.Skip(count));
        return positions;
    }

    /// <summary>The positions of the tenant's events in <c>file_events</c>, in order, once each has one (FileEventSequencer).</summary>
    static async Task<List<long>> PositionsOf(string tenant)
    {
        await using var connection = new NpgsqlConnection(SagaFilesApp.Settings["ConnectionStrings__SagaFiles"]);
        await connection.OpenAsync();
        await using var unsequenced = new NpgsqlCommand("select count(*) from file_events where tenant = $1 and position is null", connection)
        {
            Parameters = { new() { Value = tenant } }
        };
        await Eventually.Until(async () => (long)(await unsequenced.ExecuteScalarAsync())!, count => count == 0, $"every event of {tenant} sequenced", 10,
            nameof(FileEventSequencer));
        await using var select = new NpgsqlCommand("select position from file_events where tenant = $1 order by position", connection)
        {
            Parameters = { new() { Value = tenant } }
        };
        var positions = new List<long>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            positions.Add(reader.GetInt64(0));
        return positions;
    }

    [Test]
    public async Task A_stream_keeps_receiving_after_the_instances_listen_connection_is_killed()
    {
        await using (var connection = new NpgsqlConnection(SagaFilesApp.Settings["ConnectionStrings__SagaFiles"]))
        {
            await connection.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and query = 'LISTEN file_changes'",
                connection);
            ((long)(await kill.ExecuteScalarAsync())!).ShouldBeGreaterThanOrEqualTo(1L, "the API listens for file changes");
        }

        // Whatever changed before it listens again, the instance tells its streams to re-read once it does.
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "reconnect.csv");
        var events = await ReadStream(SagaFilesApp.Api, id);
        events[^1].Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
    }

    [Test]
    public async Task A_quiet_stream_gets_a_keep_alive_comment_every_15_seconds()
    {
        using var client = SagaFilesApp.ClientWith(await SagaFilesApp.CreateKeyAsync($"quiet-{Guid.NewGuid():N}"[..16], [ApiScopes.FilesRead]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await client.GetAsync("/files/progress", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var started = DateTime.UtcNow;
        (await reader.ReadLineAsync(timeout.Token)).ShouldBe(": keep-alive");
        (DateTime.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromSeconds(14));
    }

    sealed record ServerSentEvent(string? RawId, string Event, JsonElement Data)
    {
        public int? Id => RawId == null ? null : int.Parse(RawId, CultureInfo.InvariantCulture);

        /// <summary>An event's position in the tenant stream.</summary>
        public long Position => long.Parse(RawId!, CultureInfo.InvariantCulture);
    }

    /// <summary>Whose event it is in the tenant stream.</summary>
    static Guid FileOf(ServerSentEvent e) => (e.Event == "outcome" ? e.Data.GetProperty("id") : e.Data.GetProperty("fileId")).GetGuid();

    /// <summary>The tenant stream opened with <paramref name="lastEventId" />, read until each of <paramref name="files" /> had its outcome.</summary>
    static async Task<List<ServerSentEvent>> ReadTenantUntilOutcomes(HttpClient client, string lastEventId, Guid[] files, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/progress");
        request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = new List<ServerSentEvent>();
        var pending = files.ToHashSet();
        await foreach (var e in Read(new StreamReader(await response.Content.ReadAsStreamAsync(ct)), ct))
        {
            events.Add(e);
            if (e.Event == "outcome" && pending.Remove(FileOf(e)) && pending.Count == 0)
                break;
        }

        return events;
    }

    /// <summary>Reads the stream until the server ends it (failing after a minute), checking it ends right after the outcome.</summary>
    static async Task<List<ServerSentEvent>> ReadStream(HttpClient client, Guid id, string? lastEventId = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{id}/progress");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId != null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var events = new List<ServerSentEvent>();
        await foreach (var e in Read(reader, timeout.Token))
        {
            events.Where(x => x.Event == "outcome").ShouldBeEmpty("nothing follows the outcome");
            events.Add(e);
        }

        events.ShouldNotBeEmpty();
        events[^1].Event.ShouldBe("outcome", "the stream ends with the outcome");
        return events;
    }

    /// <summary>The events of a stream as they arrive (comments skipped).</summary>
    static async IAsyncEnumerable<ServerSentEvent> Read(StreamReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        (string? Id, string? Event, string? Data) next = default;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (next.Data != null)
                    yield return new ServerSentEvent(next.Id, next.Event ?? "message", JsonDocument.Parse(next.Data).RootElement.Clone());
                next = default;
                continue;
            }

            if (line.StartsWith(':'))
                continue;
            var colon = line.IndexOf(':');
            var (field, value) = (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id": next.Id = value; break;
                case "event": next.Event = value; break;
                case "data": next.Data = value; break;
                default: throw new InvalidOperationException($"Unexpected field: {line}");
            }
        }
    }
}
