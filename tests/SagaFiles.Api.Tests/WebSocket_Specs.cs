using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SagaFiles.Api.Security;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Tests;

/// <summary>GET /ws: the progress streams' events over a WebSocket, from the workers through any API instance.</summary>
public partial class WebSocket_Specs
{
    [Test]
    public async Task A_files_transitions_reach_a_socket_on_another_api_instance_in_order_then_its_outcome_and_a_normal_close()
    {
        await using var other = SagaFilesApp.NewApi(new Dictionary<string, string>());
        var key = await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]);
        var id = await Files.Upload("a,b\n1,2\n3,4\n"u8.ToArray(), "socket.csv");
        (await Files.Get(id)).GetProperty("status").GetString().ShouldNotBe(nameof(FileStatus.Completed),
            "the file is still on its way when the socket opens, so its transitions arrive live");

        // As a browser does it: the key in a subprotocol, since it cannot set headers.
        var (messages, socket) = await ReadSocket(other, $"/ws?file_id={id}", protocols: ["sagafiles", $"bearer.{key}"]);

        socket.SubProtocol.ShouldBe("sagafiles");
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.NormalClosure);
        socket.CloseStatusDescription.ShouldBe("outcome");
        var transitions = messages.Where(m => m.Event == "transition").ToList();
        transitions.Select(m => m.Id).ShouldBe(Enumerable.Range(0, transitions.Count).Select(i => i.ToString()));
        var history = (await Files.Get(id, "/events")).GetProperty("events").EnumerateArray().ToList();
        transitions.Select(m => m.Data.GetRawText()).ShouldBe(history.Select(h => h.GetRawText()), "each event as GET /files/{id}/events shows it");
        transitions[^1].Data.GetProperty("to").GetString().ShouldBe(FileStates.Completed);
        messages[^1].Event.ShouldBe("outcome");
        messages[^1].Id.ShouldBeNull();
        messages[^1].Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        messages.Count(m => m.Event == "outcome").ShouldBe(1);
    }

    [Test]
    public async Task A_socket_opened_with_last_event_id_gets_only_what_it_missed()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "socket-resume.csv");
        await Files.WaitUntilSettled(id);
        var key = await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]);

        var (all, _) = await ReadSocket(null, $"/ws?file_id={id}", key);
        all.Count(m => m.Event == "transition").ShouldBe(2, "Downloading, Completed");
        var (rest, _) = await ReadSocket(null, $"/ws?file_id={id}&last_event_id=0", key);
        rest.Select(m => (m.Id, m.Event)).ShouldBe([("1", "transition"), (null, "outcome")]);
        rest[0].Data.GetRawText().ShouldBe(all[1].Data.GetRawText());
    }

    [Test]
    public async Task A_tenant_socket_resumed_after_events_no_longer_kept_gets_a_reset_first()
    {
        var tenant = $"wsreset-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        using var client = SagaFilesApp.ClientWith(key);
        await Files.WaitUntilSettled(await Files.Upload("a\n1\n"u8.ToArray(), "socket-reset.csv", client: client), client: client);
        var positions = await Progress_Specs.ExpireFirstEvents(tenant, 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var socket = await Connect(null, $"/ws?last_event_id={positions[0]}", key, [], timeout.Token);
        var reset = await Receive(socket, timeout.Token) ?? throw new InvalidOperationException("The tenant socket closed");
        reset.Event.ShouldBe("reset");
        long.Parse(reset.Id!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(positions[^1]);
        reset.Data.GetProperty("deletedThrough").GetInt64().ShouldBe(positions[1]);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        using var caughtUp = await Connect(null, $"/ws?last_event_id={positions[1]}", key, [], timeout.Token);
        var next = await Receive(caughtUp, timeout.Token) ?? throw new InvalidOperationException("The tenant socket closed");
        // The file's two transitions were deleted; its outcome is kept.
        (next.Event, next.Id).ShouldBe(("outcome", positions[2].ToString(System.Globalization.CultureInfo.InvariantCulture)), "nothing it missed was deleted");
        await caughtUp.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    [Test]
    public async Task The_tenant_socket_shows_the_transitions_of_the_tenants_files_only_and_their_outcomes()
    {
        var tenant = $"ws-{Guid.NewGuid():N}"[..16];
        var key = await SagaFilesApp.CreateKeyAsync(tenant, [ApiScopes.FilesRead, ApiScopes.FilesWrite]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var socket = await Connect(null, "/ws", key, [], timeout.Token);

        var elsewhere = await Files.Upload("a\n1\n"u8.ToArray(), "socket-elsewhere.csv");
        using var client = SagaFilesApp.ClientWith(key);
        var upload = await client.PostAsync("/files", Files.Form("a,b\n1,2\n"u8.ToArray(), "socket-tenant.csv"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var seen = new List<SocketMessage>();
        while (seen.LastOrDefault()?.Event != "outcome")
            seen.Add(await Receive(socket, timeout.Token) ?? throw new InvalidOperationException("The tenant socket closed"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);

        seen.ShouldAllBe(m => (m.Event == "outcome" ? m.Data.GetProperty("id") : m.Data.GetProperty("fileId")).GetGuid() == id,
            $"only the tenant's file, not {elsewhere}");
        var positions = seen.Select(m => long.Parse(m.Id!)).ToList();
        positions.ShouldBe(positions.Order().Distinct(), "each event's id is its position, in the order they committed");
        var transitions = seen.Where(m => m.Event == "transition").ToList();
        transitions.Select(m => m.Data.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 2));
        transitions[^1].Data.GetProperty("event").GetProperty("to").GetString().ShouldBe(FileStates.Completed);
        seen[^1].Data.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));

        // Reopened after the second transition, it sends the rest again, the same ids in the same order.
        using var resumed = await Connect(null, $"/ws?last_event_id={transitions[1].Id}", key, [], timeout.Token);
        var rest = new List<SocketMessage>();
        while (rest.LastOrDefault()?.Event != "outcome")
            rest.Add(await Receive(resumed, timeout.Token) ?? throw new InvalidOperationException("The tenant socket closed"));
        await resumed.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        rest.Select(m => (m.Id, m.Event)).ShouldBe(seen.SkipWhile(m => m.Id != transitions[1].Id).Skip(1).Select(m => (m.Id, m.Event)));
    }

    [Test]
    public async Task A_handshake_is_refused_as_the_streams_are_and_a_plain_request_is_told_to_upgrade()
    {
        var id = await Files.Upload("a\n1\n"u8.ToArray(), "socket-private.csv");
        var stranger = await SagaFilesApp.CreateKeyAsync("ws-other", [ApiScopes.FilesRead]);
        var writer = await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesWrite]);
        var reader = await SagaFilesApp.CreateKeyAsync(SagaFilesApp.Tenant, [ApiScopes.FilesRead]);

        (await HandshakeStatus($"/ws?file_id={id}", stranger)).ShouldBe(404);
        (await HandshakeStatus($"/ws?file_id={id}", null)).ShouldBe(401);
        (await HandshakeStatus($"/ws?file_id={id}", writer)).ShouldBe(403);
        (await HandshakeStatus($"/ws?file_id={Guid.NewGuid()}", reader)).ShouldBe(404);
        (await HandshakeStatus("/ws?last_event_id=-1", reader)).ShouldBe(400);
        (await HandshakeStatus($"/ws?file_id={id}&last_event_id=3000000000", reader)).ShouldBe(400, "a file's id is an index in its history");

        using var plain = SagaFilesApp.ClientWith(reader);
        var refused = await plain.GetAsync($"/ws?file_id={id}");
        refused.StatusCode.ShouldBe(HttpStatusCode.UpgradeRequired);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    sealed record SocketMessage(string? Id, string Event, JsonElement Data);

    /// <summary>Opens a socket on <paramref name="api" /> (default: the fixture's), the key in a header or in <paramref name="protocols" />.</summary>
    static Task<WebSocket> Connect(WebApplicationFactory<Program>? api, string path, string? key, IEnumerable<string> protocols, CancellationToken ct)
    {
        var client = (api ?? SagaFilesApp.Factory).Server.CreateWebSocketClient();
        if (key != null)
            client.ConfigureRequest = r => r.Headers.Authorization = $"Bearer {key}";
        foreach (var protocol in protocols)
            client.SubProtocols.Add(protocol);
        return client.ConnectAsync(new Uri($"ws://localhost{path}"), ct);
    }

    /// <summary>Reads a socket until the server closes it (failing after a minute), checking nothing follows the outcome.</summary>
    static async Task<(List<SocketMessage> Messages, WebSocket Socket)> ReadSocket(WebApplicationFactory<Program>? api, string path, string? key = null,
        string[]? protocols = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var socket = await Connect(api, path, key, protocols ?? [], timeout.Token);
        var messages = new List<SocketMessage>();
        while (await Receive(socket, timeout.Token) is { } message)
        {
            messages.Where(m => m.Event == "outcome").ShouldBeEmpty("nothing follows the outcome");
            messages.Add(message);
        }

        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        messages.ShouldNotBeEmpty();
        messages[^1].Event.ShouldBe("outcome", "the socket closes after the outcome");
        return (messages, socket);
    }

    /// <summary>The next message, or null once the server closed the socket.</summary>
    static async Task<SocketMessage?> Receive(WebSocket socket, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(chunk, ct);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            result.MessageType.ShouldBe(WebSocketMessageType.Text);
            buffer.Write(chunk, 0, result.Count);
            if (!result.EndOfMessage)
                continue;
            var root = JsonDocument.Parse(buffer.ToArray()).RootElement;
            root.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "event", "data"]);
            return new SocketMessage(root.GetProperty("id").GetString(), root.GetProperty("event").GetString()!, root.GetProperty("data").Clone());
        }
    }

    /// <summary>The status a refused handshake answered (the test host's client reports it only in its exception).</summary>
    static async Task<int> HandshakeStatus(string path, string? key)
    {
        var refused = await Should.ThrowAsync<InvalidOperationException>(() => Connect(null, path, key, [], CancellationToken.None));
        return int.Parse(StatusCode().Match(refused.Message).Groups[1].Value);
    }

    [GeneratedRegex(@"status code:? (\d{3})", RegexOptions.IgnoreCase)]
    private static partial Regex StatusCode();
}
