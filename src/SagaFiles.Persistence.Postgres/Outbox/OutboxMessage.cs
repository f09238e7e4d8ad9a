using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace MassTransit.EntityFrameworkCoreIntegration;

/// <summary>
/// A serialized message waiting for delivery: sent by a consumer (InboxMessageId/InboxConsumerId set) or through the bus
/// outbox (OutboxId set). Implements MassTransit's <see cref="OutboxMessageContext" /> so its pipes can send it as is.
/// </summary>
public class OutboxMessage : OutboxMessageContext
{
    Headers? _headers;
    IReadOnlyDictionary<string, object>? _properties;

    /// <summary>Identity: the delivery order within one inbox message or outbox.</summary>
    public long SequenceNumber { get; set; }

    public DateTime? EnqueueTime { get; set; }

    public DateTime SentTime { get; set; }

    /// <summary>Message headers as JSON.</summary>
    public string? Headers { get; set; }

    /// <summary>Transport-specific send properties as JSON.</summary>
    public string? Properties { get; set; }

    public Guid? InboxMessageId { get; set; }

    public Guid? InboxConsumerId { get; set; }

    public Guid? OutboxId { get; set; }

    public Guid MessageId { get; set; }

    public string ContentType { get; set; } = null!;

    public string MessageType { get; set; } = null!;

    public string Body { get; set; } = null!;

    public Guid? ConversationId { get; set; }

    public Guid? CorrelationId { get; set; }

    public Guid? InitiatorId { get; set; }

    public Guid? RequestId { get; set; }

    public Uri? SourceAddress { get; set; }

    public Uri? DestinationAddress { get; set; }

    public Uri? ResponseAddress { get; set; }

    public Uri? FaultAddress { get; set; }

    public DateTime? ExpirationTime { get; set; }

    Guid? MessageContext.MessageId => MessageId;

    DateTime? MessageContext.SentTime => SentTime;

    Headers MessageContext.Headers => _headers ?? EmptyHeaders.Instance;

    HostInfo MessageContext.Host => HostMetadataCache.Host;

    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ?? EmptyProperties;

    static readonly IReadOnlyDictionary<string, object> EmptyProperties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <see cref="Headers" /> and <see cref="Properties" />; call before handing the message to a send pipe.</summary>
    public void Deserialize(IObjectDeserializer deserializer)
    {
        var headers = deserializer.DeserializeDictionary<object?>(Headers);
        _headers = headers != null ? new DictionarySendHeaders(headers) : EmptyHeaders.Instance;
        _properties = deserializer.DeserializeDictionary<object>(Properties) ?? EmptyProperties;
    }
}
