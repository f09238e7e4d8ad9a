using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.Peek;

/// <param name="Queue">The failed-message queue read (e.g. <c>convert-file_error</c>, without the environment prefix).</param>
/// <param name="Messages">Oldest first; the messages stay in the queue.</param>
public sealed record Response(string Queue, IReadOnlyList<PeekedMessage> Messages);

/// <summary>A failed message: why it failed (MassTransit's fault headers, when a consumer faulted), its headers and body.</summary>
public sealed record PeekedMessage(string MessageId, DateTimeOffset? SentAt, int ReceiveCount, string? FaultMessage, string? FaultExceptionType,
    IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static PeekedMessage From(FailedMessage message) => new(message.MessageId, message.SentAt, message.ReceiveCount,
        Header(message, "MT-Fault-Message"), Header(message, "MT-Fault-ExceptionType"), message.Headers, message.Body);

    static string? Header(FailedMessage message, string name) =>
        message.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
