namespace SagaFiles.Api.Features.Files.Events;

/// <summary>One transition of the file's saga; <c>Note</c> says who caused it when a user did (a retry, a bulk retry and its filter).</summary>
public sealed record Event(DateTimeOffset At, string From, string To, string? Step, int Attempt, string? WorkerHost, double? DurationMs, string? Error,
    string? Note);

public sealed record Response(Guid FileId, IReadOnlyList<Event> Events);
