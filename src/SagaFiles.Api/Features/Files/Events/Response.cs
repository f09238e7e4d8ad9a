using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.Events;

/// <summary>One transition of the file's saga; <c>Note</c> says who caused it when a user did (a retry, a bulk retry and its filter).</summary>
public sealed record Event(DateTimeOffset At, string From, string To, string? Step, int Attempt, string? WorkerHost, double? DurationMs, string? Error,
    string? Note)
{
    /// <summary>The file's history, oldest first: an event's index in it is its id in the progress stream.</summary>
    public static IReadOnlyList<Event> Of(FileState file) => file.History.OrderBy(h => h.At)
        .Select(h => new Event(h.At, h.From, h.To, h.Step, h.Attempt, h.WorkerHost, h.DurationMs, h.Error, h.Note)).ToList();
}

public sealed record Response(Guid FileId, IReadOnlyList<Event> Events);
