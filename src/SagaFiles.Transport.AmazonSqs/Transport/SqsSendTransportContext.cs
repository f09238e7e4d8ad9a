using MassTransit.Context;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Sends to one queue (SendMessage, with DelaySeconds for scheduled and redelivered messages) or publishes to one topic
/// (SNS Publish). Delays beyond SQS's 15 minutes are carried as a deliver-at header and re-delayed on receipt.
/// </summary>
public sealed class SqsSendTransportContext(
    IHostConfiguration hostConfiguration,
    ReceiveEndpointContext receiveEndpointContext,
    AmazonSqsClientContext client,
    AmazonSqsEndpointAddress destination,
    TimeProvider timeProvider)
    : BaseSendTransportContext(hostConfiguration, receiveEndpointContext.Serialization), SendTransportContext<AmazonSqsClientContext>
{
    /// <summary>SQS's largest DelaySeconds.</summary>
    public const int MaxDelaySeconds = 900;

    public override string EntityName => destination.EntityName;

    public override string ActivitySystem => "aws_sqs";

    public Task Send(IPipe<AmazonSqsClientContext> pipe, CancellationToken cancellationToken = default) => pipe.Send(client);

    public void Probe(ProbeContext context) => context.Add(destination.IsTopic ? "topic" : "queue", EntityName);

    public override async Task<SendContext<T>> CreateSendContext<T>(T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
    {
        var sendContext = new MessageSendContext<T>(message, cancellationToken);
        await pipe.Send(sendContext).ConfigureAwait(false);
        return sendContext;
    }

    public Task<SendContext<T>> CreateSendContext<T>(AmazonSqsClientContext context, T message, IPipe<SendContext<T>> pipe,
        CancellationToken cancellationToken)
        where T : class =>
        CreateSendContext(message, pipe, cancellationToken);

    public async Task Send<T>(AmazonSqsClientContext transportContext, SendContext<T> context)
        where T : class
    {
        var sendContext = context as MessageSendContext<T>
            ?? throw new ArgumentException($"Expected the send context this transport created, got {context.GetType()}", nameof(context));
        sendContext.CancellationToken.ThrowIfCancellationRequested();

        var body = sendContext.Body.GetString();
        var headers = SqsTransportHeaders.AsStrings(sendContext.Headers.GetAll()).ToList();
        headers.Add(new(MessageHeaders.MessageId, sendContext.MessageId?.ToString() ?? ""));
        headers.Add(new(MessageHeaders.CorrelationId, sendContext.CorrelationId?.ToString() ?? ""));

        var delaySeconds = 0;
        if (sendContext.Delay is { } delay && delay > TimeSpan.Zero)
        {
            if (destination.IsTopic)
                throw new NotSupportedException($"SNS cannot delay a publish to '{EntityName}': schedule a send to a queue instead.");
            delaySeconds = (int)Math.Ceiling(Math.Min(delay.TotalSeconds, MaxDelaySeconds));
            if (delay.TotalSeconds > MaxDelaySeconds)
                headers.Add(new(SqsTransportHeaders.DeliverAt, (timeProvider.GetUtcNow() + delay).ToString("O")));
        }

        var attributes = SqsTransportHeaders.ToAttributes(sendContext.ContentType?.ToString(), headers);
        SqsTransportHeaders.EnsureWithinSizeLimit(body, attributes, EntityName, sendContext.MessageId);

        try
        {
            if (destination.IsTopic)
                await transportContext.Publish(EntityName, body, attributes, sendContext.CancellationToken).ConfigureAwait(false);
            else
            {
                var queue = await transportContext.GetQueue(EntityName, transportContext.DefaultQueueOptions, sendContext.CancellationToken)
                    .ConfigureAwait(false);
                await transportContext.Send(queue, body, attributes, delaySeconds, sendContext.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (AmazonSqsConnectionException.Wraps(e))
        {
            // Classified here, so consumers retry a throttled publish without knowing AWS's exception types.
            throw new AmazonSqsConnectionException($"{(destination.IsTopic ? "Publishing to topic" : "Sending to queue")} {EntityName} failed: {e.Message}", e);
        }
    }
}
