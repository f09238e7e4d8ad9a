using MassTransit.SagaStateMachine;

namespace SagaFiles.Api.Features.StateMachine.Graph;

/// <summary>
/// The file saga's graph as MassTransit walks it (<c>StateMachine.GetGraph()</c>): states and events are both nodes; an
/// edge goes from a state to an event handled in it, and from an event to a state it moves the file to.
/// </summary>
public sealed record Response(IReadOnlyList<Node> Nodes, IReadOnlyList<Link> Edges)
{
    public static Response From(StateMachineGraph graph)
    {
        var nodes = graph.Vertices.Select(v => new Node(IdOf(v), v.Title, v.VertexType == typeof(MassTransit.State) ? Node.State : Node.Event,
                v.VertexType == typeof(MassTransit.State) || v.TargetType == typeof(MassTransit.Event) ? null : v.TargetType.Name))
            .OrderBy(n => n.Kind).ThenBy(n => n.Name, StringComparer.Ordinal).ToList();
        var edges = graph.Edges.Select(e => new Link(IdOf(e.From), IdOf(e.To))).Distinct()
            .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal).ToList();
        return new Response(nodes, edges);
    }

    /// <summary>A state and an event may share a name: the kind keeps them apart.</summary>
    static string IdOf(Vertex vertex) => $"{(vertex.VertexType == typeof(MassTransit.State) ? Node.State : Node.Event)}:{vertex.Title}";
}

/// <param name="Id"><c>state:{name}</c> or <c>event:{name}</c>.</param>
/// <param name="Name">The state's name (as <c>currentState</c> in GET /files/{id}/saga) or the event's.</param>
/// <param name="Kind"><c>state</c> or <c>event</c>.</param>
/// <param name="Message">An event's message type, when it carries one.</param>
public sealed record Node(string Id, string Name, string Kind, string? Message)
{
    public const string State = "state";
    public const string Event = "event";
}

public sealed record Link(string From, string To);
