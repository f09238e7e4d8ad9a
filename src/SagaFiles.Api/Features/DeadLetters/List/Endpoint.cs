using FastEndpoints;
using SagaFiles.ServiceDefaults;
using SagaFiles.Transport.AmazonSqs;
using SagaFiles.Transport.AmazonSqs.Transport;

namespace SagaFiles.Api.Features.DeadLetters.List;

/// <summary>GET /dead-letters: the failed-message counts of every step queue, as SQS approximates them now.</summary>
public sealed class Endpoint(QueueDepths depths) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/dead-letters");
        Policies(ApiScopes.Admin);
        Description(d => d.Produces<Response>(200));
        Summary(s => s.Summary = "Messages in each step queue, its error queue and its dead-letter queue");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var queues = (await depths.ReadAsync(ct)).ToDictionary(q => q.Queue, q => q.Waiting);
        await Send.OkAsync(new Response(FileSteps.Queues.Select(queue => new StepQueue(queue, Count(queue), Count(AmazonSqsEntityNames.FailedMessages(queue, FailedMessageQueue.Error)),
                Count(AmazonSqsEntityNames.FailedMessages(queue, FailedMessageQueue.DeadLetter))))
            .ToList()), ct);

        long? Count(string queue) => queues.TryGetValue(queue, out var waiting) ? waiting : null;
    }
}
