using FastEndpoints;
using FluentValidation;

namespace SagaFiles.Api.Features.Files.Socket;

public sealed class Request
{
    /// <summary>The file to follow; without it, all the tenant's files from the moment the socket opens.</summary>
    [QueryParam, BindFrom("file_id")]
    public Guid? FileId { get; init; }

    /// <summary>
    /// The last history index the client has of the file (the <c>id</c> of its last transition): only what follows is sent. A
    /// query parameter because a browser cannot set headers on a WebSocket.
    /// </summary>
    [QueryParam, BindFrom("last_event_id")]
    public int? LastEventId { get; init; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.LastEventId).GreaterThanOrEqualTo(0);
            RuleFor(x => x.LastEventId).Null().When(x => x.FileId == null)
                .WithMessage("'last_event_id' needs 'file_id': the tenant-wide stream does not resume (read GET /files on reconnecting).");
        }
    }
}
