using MassTransit;
using MassTransit.EntityFrameworkCoreIntegration;
using MassTransit.Context;
using Microsoft.EntityFrameworkCore;

namespace SagaFiles.Persistence.Postgres.Outbox;

/// <summary>Turns a message being sent into an <see cref="OutboxMessage" /> row (added to the DbContext, saved with it).</summary>
public static class OutboxMessageWriter
{
    public static Task AddSend<T>(this DbSet<OutboxMessage> messages, SendContext<T> context, IObjectDeserializer deserializer,
        Guid? inboxMessageId = null, Guid? inboxConsumerId = null, Guid? outboxId = null)
        where T : class
    {
        if (context.MessageId is not { } messageId)
            throw new MessageException(typeof(T), "The outbox needs a MessageId on every message it stores");

        var now = DateTime.UtcNow;
        var body = context.Serializer.GetMessageBody(context);

        var message = new OutboxMessage
        {
            MessageId = messageId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = context.DestinationAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? now,
            ContentType = (context.ContentType ?? context.Serialization.DefaultContentType).ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = body.GetString(),
            Headers = deserializer.SerializeDictionary(context.Headers.GetAll()),
            ExpirationTime = now + context.TimeToLive,
            EnqueueTime = now + context.Delay,
            InboxMessageId = inboxMessageId,
            InboxConsumerId = inboxConsumerId,
            OutboxId = outboxId
        };

        if (context is TransportSendContext<T> transportContext)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transportContext.WritePropertiesTo(properties);
            message.Properties = deserializer.SerializeDictionary(properties);
        }

        // A consumer may publish from several threads at once; the change tracker is not thread-safe.
        lock (messages)
            messages.Add(message);

        return Task.CompletedTask;
    }
}
