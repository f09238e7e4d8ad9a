using System.Net.WebSockets;
using System.Text.Json;
using SagaFiles.Api.Features.Files.Progress;

namespace SagaFiles.Api.Features.Files.Socket;

/// <summary>A <see cref="ProgressFeed" /> over a WebSocket: one text message per event, <c>{"id", "event", "data"}</c>.</summary>
public static class ProgressSocket
{
    /// <summary>The subprotocol the server selects when offered; a browser offers its key beside it (see <see cref="BearerToken" />).</summary>
    public const string Protocol = "sagafiles";

    static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    sealed record Message(string? Id, string Event, object? Data);

    /// <summary>
    /// Sends <paramref name="events" /> until they end (then closes normally, saying <c>outcome</c>: the file's outcome was
    /// sent) or the client closes or goes away. Quiet spells need nothing here: the socket pings on its own
    /// (<see cref="ProgressFeed.KeepAlive" />).
    /// </summary>
    public static async Task SendAsync(WebSocket socket, IAsyncEnumerable<ProgressEvent> events, CancellationToken ct)
    {
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = ReadUntilClosedAsync(socket, closed);
        var ended = false;
        try
        {
            await foreach (var e in events.WithCancellation(closed.Token))
                if (e != ProgressEvent.Quiet)
                    await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new Message(e.Id, e.Name, e.Data), ProgressFeed.Json),
                        WebSocketMessageType.Text, endOfMessage: true, closed.Token);
            ended = true;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException && closed.IsCancellationRequested)
        {
            // The client closed or went away.
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, ended ? ProgressEvent.Outcome : null, timeout.Token);
                await reading.WaitAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // A client that does not answer the close is left.
            }
        }

        await closed.CancelAsync();
        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Reading is how a close from the client is seen (the client has nothing else to say): then, or when the connection drops, <paramref name="closed" /> is cancelled.</summary>
    static async Task ReadUntilClosedAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while ((await socket.ReceiveAsync(buffer, closed.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        finally
        {
            await closed.CancelAsync();
        }
    }
}
