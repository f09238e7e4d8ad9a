using MassTransit.Serialization;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Moves a received message to another queue with its headers plus the host's and the reason's: faults after retries
/// to <c>{queue}_error</c> (with MassTransit's exception headers), messages no consumer takes to <c>{queue}_skipped</c>.
/// </summary>
public abstract class SqsMoveTransport(AmazonSqsClientContext client, string destinationQueue)
{
    protected async Task Move(ReceiveContext context, Action<SendHeaders> addHeaders)
    {
        var headers = new DictionarySendHeaders();
        foreach (var (key, value) in context.TransportHeaders.GetAll())
        {
            if (!key.Equals(SqsTransportHeaders.DeliverAt, StringComparison.OrdinalIgnoreCase))
                headers.Set(key, value);
        }

        headers.SetHostHeaders();
        addHeaders(headers);

        var contentType = context.ContentType?.ToString();
        var attributes = SqsTransportHeaders.ToAttributes(contentType,
            SqsTransportHeaders.AsStrings(headers.GetAll()).Where(h => !h.Key.Equals(MessageHeaders.ContentType, StringComparison.OrdinalIgnoreCase)));
        var body = context.Body.GetString();
        SqsTransportHeaders.EnsureWithinSizeLimit(body, attributes, destinationQueue, context.GetMessageId());

        var queue = await client.GetQueue(destinationQueue, client.FailedMessageQueueOptions, context.CancellationToken).ConfigureAwait(false);
        await client.Send(queue, body, attributes, 0, context.CancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Faults after retries go to <c>{queue}_error</c>.</summary>
// Separate types: MassTransit finds these by payload type, and one object serving both would receive both.
public sealed class SqsErrorTransport(AmazonSqsClientContext client, string destinationQueue)
    : SqsMoveTransport(client, destinationQueue), IErrorTransport
{
    public Task Send(ExceptionReceiveContext context) => Move(context, headers => headers.CopyFrom(context.ExceptionHeaders));
}

/// <summary>Messages no consumer takes go to <c>{queue}_skipped</c>.</summary>
public sealed class SqsDeadLetterTransport(AmazonSqsClientContext client, string destinationQueue)
    : SqsMoveTransport(client, destinationQueue), IDeadLetterTransport
{
    public Task Send(ReceiveContext context, string reason) => Move(context, headers => headers.Set(MessageHeaders.Reason, reason ?? "Unspecified"));
}
