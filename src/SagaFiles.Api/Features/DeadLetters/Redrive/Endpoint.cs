using FastEndpoints;
using FluentValidation.Results;
using SagaFiles.Transport.AmazonSqs;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.Redrive;

/// <summary>
/// POST /dead-letters/{queue}/redrive?from=error|dlq: moves the messages in <c>{queue}_error</c> and <c>{queue}_dlq</c> back to
/// <c>{queue}</c> as fresh deliveries (the fault's headers removed) and answers how many moved from each. Only the queues the
/// saga sends to (<see cref="FileSteps.Queues" />).
/// </summary>
public sealed class Endpoint(AmazonSqsDeadLetterRedrive redrive, ILogger<Endpoint> logger) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/dead-letters/{queue}/redrive");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(200).ProducesProblemDetails(400).ProducesProblemDetails(404));
        Summary(s =>
        {
            s.Summary = "Redrive a queue's failed messages";
            s.Description = "Moves every message in the queue's error queue (e.g. convert-file_error: faulted after its retries) and its "
                + "dead-letter queue (convert-file_dlq: poison messages SQS moved aside after its receive limit) back to the queue, without "
                + "the fault headers, deleting each from where it was once sent; from=error or from=dlq picks one. 404 for a queue that is "
                + "not one of SagaFiles' steps, or has neither queue.";
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

        var sources = new List<RedrivenQueue>();
        foreach (var source in request.Sources())
        {
            var name = AmazonSqsEntityNames.FailedMessages(request.Queue, source);
            if (await redrive.RedriveAsync(request.Queue, source, ct) is { } moved)
            {
                logger.LogInformation("Redrove {Moved} messages from {Source} to {Queue}", moved, name, request.Queue);
                sources.Add(new RedrivenQueue(name, moved));
            }
        }

        if (sources.Count == 0)
        {
            var names = request.Sources().Select(source => AmazonSqsEntityNames.FailedMessages(request.Queue, source));
            AddError(new ValidationFailure("queue", $"Queue '{request.Queue}' has no {string.Join(" or ", names)}: nothing has failed there."));
            await Send.ErrorsAsync(404, ct);
            return;
        }

        await Send.OkAsync(new Response(request.Queue, sources.Sum(s => s.Moved), sources), ct);
    }
}
