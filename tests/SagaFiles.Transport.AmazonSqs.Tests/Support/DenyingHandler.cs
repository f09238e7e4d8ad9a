using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>
/// Passes SQS calls to the emulator, except that while <see cref="DenyReceive" /> is set ReceiveMessage is answered as IAM
/// would refuse it, and while <see cref="Unreachable" /> is set every call fails as when nothing listens.
/// </summary>
public sealed class DenyingHandler() : DelegatingHandler(new HttpClientHandler())
{
    public volatile bool DenyReceive;

    public volatile bool Unreachable;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Unreachable)
            throw new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "";
        if (!DenyReceive || !target.EndsWith(".ReceiveMessage", StringComparison.Ordinal))
            return base.SendAsync(request, cancellationToken);
        var body = """{"__type":"com.amazon.coral.service#AccessDeniedException","message":"User: arn:aws:sts::123456789012:assumed-role/worker is not authorized to perform: sqs:receivemessage"}""";
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0")
        });
    }

    public AmazonSQSConfig SqsConfig() => new() { HttpClientFactory = new Factory(this) };

    sealed class Factory(DenyingHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
