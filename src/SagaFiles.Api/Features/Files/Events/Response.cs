namespace SagaFiles.Api.Features.Files.Events;

/// <summary>One transition of the file's saga.</summary>
public sealed record Event(DateTimeOffset At, string From, string To, string? Step, int Attempt, string? WorkerHost, double? DurationMs, string? Error);

public sealed record Response(Guid FileId, IReadOnlyList<Event> Events);
