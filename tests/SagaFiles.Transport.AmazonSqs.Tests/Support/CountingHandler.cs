using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SQS;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>Counts the SQS API calls a client makes (by the X-Amz-Target action) and keeps their request bodies.</summary>
public sealed class CountingHandler : DelegatingHandler
{
    public CountingHandler()
        : base(new HttpClientHandler())
    {
    }

    public ConcurrentQueue<(string Action, string Body)> Requests { get; } = new();

    public int Count(string action, string? about = null) => Requests.Count(r => r.Action == action && (about == null || r.Body.Contains(about)));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "";
        var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((target.Split('.').Last(), body));
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>An SQS client configuration whose HTTP calls go through <paramref name="handler" />.</summary>
    public static AmazonSQSConfig SqsConfig(CountingHandler handler) => new() { HttpClientFactory = new Factory(handler) };

    sealed class Factory(CountingHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
