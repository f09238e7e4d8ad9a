using FastEndpoints;
using FluentValidation;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.Redrive;

public sealed class Request
{
    public const string FromError = "error";
    public const string FromDeadLetter = "dlq";

    /// <summary>The endpoint's queue as GET /files/{id}/saga names it (e.g. convert-file), without the environment prefix.</summary>
    public string Queue { get; init; } = "";

    /// <summary>
    /// Which failed messages to move back: <c>error</c> (<c>{queue}_error</c>, faulted after their retries), <c>dlq</c>
    /// (<c>{queue}_dlq</c>, poison messages SQS moved aside after its receive limit); both when omitted.
    /// </summary>
    [QueryParam]
    public string? From { get; init; }

    /// <summary>The queues <see cref="From" /> names, in the order they are redriven.</summary>
    public IReadOnlyList<FailedMessageQueue> Sources() => From switch
    {
        FromError => [FailedMessageQueue.Error],
        FromDeadLetter => [FailedMessageQueue.DeadLetter],
        _ => [FailedMessageQueue.Error, FailedMessageQueue.DeadLetter]
    };

    public sealed class Validator : Validator<Request>
    {
        public Validator() =>
            RuleFor(x => x.From).Must(from => from is null or FromError or FromDeadLetter)
                .WithMessage($"'from' is '{FromError}', '{FromDeadLetter}' or omitted (both).");
    }
}
