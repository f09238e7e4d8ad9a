using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.Redrive;

/// <summary>
/// POST /dead-letters/{queue}/redrive: moves the messages in <c>{queue}_error</c> back to <c>{queue}</c> as fresh deliveries
/// (the fault's headers removed) and answers how many moved. Only the queues the saga sends to (<see cref="FileSteps.Queues" />).
/// </summary>
public sealed class Endpoint(AmazonSqsDeadLetterRedrive redrive, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/dead-letters/{queue}/redrive");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(404));
        Summary(s =>
        {
            s.Summary = "Redrive a queue's faulted messages";
            s.Description = "Moves every message in the queue's error queue (e.g. convert-file_error) back to the queue, without the fault "
                + "headers, deleting each from the error queue once sent. 404 for a queue that is not one of SagaFiles' steps, or has no error queue.";
        });
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        if (!FileSteps.Queues.Contains(request.Queue))
        {
            AddError(new ValidationFailure("queue", $"'{request.Queue}' is not a queue of SagaFiles (those are {string.Join(", ", FileSteps.Queues)})."));
            await Send.ErrorsAsync(404, ct);
            return;
        }

        if (await redrive.RedriveAsync(request.Queue, ct) is not { } moved)
        {
            AddError(new ValidationFailure("queue", $"Queue '{request.Queue}' has no error queue: nothing has faulted there."));
            await Send.ErrorsAsync(404, ct);
            return;
        }

        logger.LogInformation("Redrove {Moved} messages from {Queue}_error", moved, request.Queue);
        await Send.OkAsync(new Response(request.Queue, moved), ct);
    }
}
