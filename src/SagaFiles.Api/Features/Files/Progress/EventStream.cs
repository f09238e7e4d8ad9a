using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SagaFiles.Api.Features.Files.Progress;

/// <summary>Writing Server-Sent Events: each event flushed as it is written, so it reaches the client at once.</summary>
public static class EventStream
{
    /// <summary>A comment this often keeps proxies and load balancers from closing a quiet stream.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Sends the headers: an event stream, neither cached nor buffered by a proxy.</summary>
    public static async Task StartAsync(HttpResponse response, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);
    }

    /// <summary>One event: <paramref name="data" /> as JSON, with an id when given.</summary>
    public static Task WriteAsync<T>(HttpResponse response, string? id, string name, T data, CancellationToken ct) =>
        WriteTextAsync(response, $"{(id == null ? "" : $"id: {id}\n")}event: {name}\ndata: {JsonSerializer.Serialize(data, Json)}\n\n", ct);

    /// <summary>Waits for <paramref name="subscription" />, sending a keep-alive comment each <see cref="KeepAlive" /> meanwhile.</summary>
    public static async Task WaitAsync(HttpResponse response, FileChanges.Subscription subscription, CancellationToken ct)
    {
        while (!await subscription.WaitAsync(KeepAlive, ct))
            await WriteTextAsync(response, ": keep-alive\n\n", ct);
    }

    static async Task WriteTextAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
