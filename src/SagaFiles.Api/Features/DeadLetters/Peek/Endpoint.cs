using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Transport.AmazonSqs;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.Peek;

/// <summary>
/// GET /dead-letters/{queue}/messages?from=error|dlq: the first messages of a step queue's error or dead-letter queue, left
/// there (each is hidden for a moment while read, then visible again). Only the queues the saga sends to.
/// </summary>
public sealed class Endpoint(AmazonSqsDeadLetterRedrive deadLetters) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/dead-letters/{queue}/messages");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(400).ProducesProblemDetails(404));
        Summary(s => s.Summary = "Peek at the messages of a queue's error or dead-letter queue without taking them");
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var name = AmazonSqsEntityNames.FailedMessages(request.Queue, request.Source);
        if (!FileSteps.Queues.Contains(request.Queue))
            AddError(new ValidationFailure("queue", $"'{request.Queue}' is not a queue of SagaFiles (those are {string.Join(", ", FileSteps.Queues)})."));
        else if (await deadLetters.PeekAsync(request.Queue, request.Source, request.Limit, ct) is { } messages)
        {
            await Send.OkAsync(new Response(name, messages.Select(PeekedMessage.From).ToList()), ct);
            return;
        }
        else
            AddError(new ValidationFailure("queue", $"Queue '{request.Queue}' has no {name}: nothing has failed there."));

        await Send.ErrorsAsync(404, ct);
    }
}
