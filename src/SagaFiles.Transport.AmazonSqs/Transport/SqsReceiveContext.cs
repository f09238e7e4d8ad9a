using Amazon.SQS.Model;
using MassTransit.Serialization;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>A received SQS message as MassTransit sees it: body, headers from its attributes, and the SQS message itself as payload.</summary>
public sealed class SqsReceiveContext : BaseReceiveContext
{
    readonly DictionaryHeaderProvider _headers;

    public SqsReceiveContext(Message message, IReadOnlyDictionary<string, string> headers, bool redelivered, ReceiveEndpointContext context,
        AmazonSqsClientContext client)
        : base(redelivered, context, message, client)
    {
        TransportMessage = message;
        Body = new StringMessageBody(message.Body);
        _headers = new DictionaryHeaderProvider(headers.ToDictionary(h => h.Key, h => (object)h.Value, StringComparer.OrdinalIgnoreCase));
    }

    public Message TransportMessage { get; }

    public override MessageBody Body { get; }

    protected override IHeaderProvider HeaderProvider => _headers;
}
