using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.Socket;

public sealed class Request
{
    /// <summary>The file to follow; without it, all the tenant's files from the moment the socket opens.</summary>
    [QueryParam, BindFrom("file_id")]
    public Guid? FileId { get; init; }

    /// <summary>
    /// The <c>id</c> of the last event the client has: of a file, its last transition's index in the history; of the
    /// tenant's stream, the event's position. Only what follows is sent. A query parameter because a browser cannot set
    /// headers on a WebSocket.
    /// </summary>
    [QueryParam, BindFrom("last_event_id")]
    public long? LastEventId { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.LastEventId).GreaterThanOrEqualTo(0);
            RuleFor(x => x.LastEventId).LessThanOrEqualTo(int.MaxValue).When(x => x.FileId != null)
                .WithMessage("'last_event_id' of a file is an index in its history.");
        }
    }
}
