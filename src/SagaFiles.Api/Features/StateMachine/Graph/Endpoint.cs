using FastEndpoints;
using MassTransit.SagaStateMachine;
using Microsoft.Extensions.Logging.Abstractions;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.StateMachine.Graph;

/// <summary>GET /state-machine: the file saga's states, events and transitions, read from the machine itself (the dashboard draws it).</summary>
public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    /// <summary>
    /// Walked once: the machine's shape does not depend on its settings, so a machine built with the defaults (never run
    /// here) has the workers' graph.
    /// </summary>
    static readonly Lazy<Response> Graph = new(() => Response.From(
        new FileStateMachine(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new FileSagaOptions()), NullLogger<FileStateMachine>.Instance).GetGraph()));

    public override void Configure()
    {
        Get("/state-machine");
        Policies(ApiScopes.FilesRead);
        Description(d => d.Produces<Response>(200));
        Summary(s => s.Summary = "The file saga's states, events and transitions, as the state machine declares them");
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(Graph.Value, ct);
}
