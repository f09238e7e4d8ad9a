using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Api.Tests.Iam;

/// <summary>
/// A reverse proxy in front of the SQS/SNS/S3 emulator that records, for every request, who made it (the access key in
/// its signature) and which IAM action on which resource it needs. The hosts under test are pointed at it instead of
/// the emulator; what it forwards is unchanged.
/// </summary>
public sealed class AwsRequestRecorder : IAsyncDisposable
{
    static readonly HashSet<string> HopByHop = new(["Transfer-Encoding", "Connection", "Keep-Alive"], StringComparer.OrdinalIgnoreCase);

    readonly WebApplication _app;
    readonly HttpClient _upstream;

    AwsRequestRecorder(WebApplication app, HttpClient upstream, Uri url)
    {
        _app = app;
        _upstream = upstream;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<AwsCall> Calls { get; } = new();

    public static async Task<AwsRequestRecorder> StartAsync(Uri emulator, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = emulator, Timeout = TimeSpan.FromMinutes(5)
        };
        var recorder = new AwsRequestRecorder(app, upstream, new Uri($"http://127.0.0.1:{port}/"));
        app.Run(recorder.ForwardAsync);
        await app.StartAsync();
        return recorder;
    }

    async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        foreach (var call in AwsActions.Describe(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", headers, bytes))
            Calls.Enqueue(call);

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.Value + request.QueryString.Value)
        {
            Content = new ByteArrayContent(bytes)
        };
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || HopByHop.Contains(name))
                continue;
            if (!forward.Headers.TryAddWithoutValidation(name, value))
                forward.Content.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
                context.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
