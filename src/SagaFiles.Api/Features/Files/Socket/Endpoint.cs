using FastEndpoints;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http;
using SagaFiles.Components.Data;
using SagaFiles.Components.StateMachines;
using SagaFiles.Api.Features.Files.Progress;

namespace SagaFiles.Api.Features.Files.Socket;

/// <summary>
/// GET /ws?file_id={id}: the events of GET /files/{id}/progress over a WebSocket, one JSON text message each
/// (<c>{"id", "event", "data"}</c>), resumable with <c>last_event_id</c>, closed normally after the outcome. Without
/// <c>file_id</c>, the events of GET /files/progress, resumable the same way. The same keys, scopes and tenants as those; a browser, which cannot
/// set headers here, offers the subprotocols <c>sagafiles</c> and <c>bearer.{key}</c>.
/// </summary>
public sealed class Endpoint(SagaFilesDbContext db, FileChanges changes) : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/ws");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces(101).ProducesProblemDetails(400).ProducesProblemDetails(404).ProducesProblemDetails(426));
        Summary(s =>
        {
            s.Summary = "A file's transitions and progress, or all the tenant's, over a WebSocket";
            s.Description = "Each message is {\"id\", \"event\": \"transition\" | \"progress\" | \"outcome\", \"data\"} as in the Server-Sent Events of "
                + "GET /files/{id}/progress (with file_id, closed after the outcome) and GET /files/progress (without), both resumable "
                + "after last_event_id. Browsers authenticate by offering the subprotocols 'sagafiles' and 'bearer.<key>'.";
        });
    }

    public override async Task HandleAsync(Request request, CancellationToken ct)
    {
        var tenant = HttpContext.FilesTenant();
        // Subscribed before the first read: a change made in between is not missed, only read twice.
        using var subscription = changes.Subscribe(tenant, request.FileId);
        FileState? file = null;
        if (request.FileId is { } id && (file = await HttpContext.FileOrNotFoundAsync(db, id, tenant, ct)) == null)
            return;
        if (!HttpContext.WebSockets.IsWebSocketRequest)
        {
            AddError(new ValidationFailure("", "This is a WebSocket: connect with an upgrade request (GET /files/{id}/progress is the same as Server-Sent Events)."));
            await Send.ErrorsAsync(StatusCodes.Status426UpgradeRequired, ct);
            return;
        }

        var offered = HttpContext.WebSockets.WebSocketRequestedProtocols;
        using var socket = await HttpContext.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = offered.Contains(ProgressSocket.Protocol) ? ProgressSocket.Protocol : null,
            KeepAliveInterval = ProgressFeed.KeepAlive
        });
        var events = file == null
            ? ProgressFeed.ResumeTenant(db, subscription, request.LastEventId, ct)
            : ProgressFeed.OfFile(db, subscription, file, (int)(request.LastEventId ?? -1), ct);
        await ProgressSocket.SendAsync(socket, events, ct);
    }
}
