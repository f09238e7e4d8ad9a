using FastEndpoints;
using FluentValidation;
using SagaFiles.Transport.AmazonSqs.Transport;
using RedriveRequest = SagaFiles.Api.Features.DeadLetters.Redrive.Request;

namespace SagaFiles.Api.Features.DeadLetters.Peek;

public sealed class Request
{
    /// <summary>The step's queue (e.g. convert-file), as POST /dead-letters/{queue}/redrive names it.</summary>
    public string Queue { get; init; } = "";

    /// <summary><c>error</c> (the default: <c>{queue}_error</c>) or <c>dlq</c> (<c>{queue}_dlq</c>).</summary>
    [QueryParam]
    public string From { get; init; } = RedriveRequest.FromError;

    /// <summary>At most this many messages (1 to 50).</summary>
    [QueryParam]
    public int Limit { get; init; } = 10;

    public FailedMessageQueue Source => From == RedriveRequest.FromDeadLetter ? FailedMessageQueue.DeadLetter : FailedMessageQueue.Error;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.From).Must(from => from is RedriveRequest.FromError or RedriveRequest.FromDeadLetter)
                .WithMessage($"'from' is '{RedriveRequest.FromError}' or '{RedriveRequest.FromDeadLetter}'.");
            RuleFor(x => x.Limit).InclusiveBetween(1, 50);
        }
    }
}
