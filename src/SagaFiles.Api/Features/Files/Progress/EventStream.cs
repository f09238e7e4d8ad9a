using System.Text;
using System.Text.Json;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>A <see cref="ProgressFeed" /> as Server-Sent Events: each event flushed as it is written, so it reaches the client at once.</summary>
public static class EventStream
{
    /// <summary>Sends the headers (an event stream, neither cached nor buffered by a proxy), then <paramref name="events" /> until they end or the client goes.</summary>
    public static async Task SendAsync(HttpResponse response, IAsyncEnumerable<ProgressEvent> events, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);
        try
        {
            await foreach (var e in events.WithCancellation(ct))
                await WriteTextAsync(response, e == ProgressEvent.Quiet ? ": keep-alive\n\n" : Format(e), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: nothing more to send.
        }
    }

    static string Format(ProgressEvent e) =>
        $"{(e.Id == null ? "" : $"id: {e.Id}\n")}event: {e.Name}\ndata: {JsonSerializer.Serialize(e.Data, ProgressFeed.Json)}\n\n";

    static async Task WriteTextAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
