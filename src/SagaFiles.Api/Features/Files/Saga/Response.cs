using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.Saga;

/// <summary>The file's saga instance as stored: state, concurrency version, per-step attempts and timings, the last fault.</summary>
public sealed record Response(
    Guid CorrelationId,
    string CurrentState,
    uint Version,
    string? CurrentStep,
    int Attempt,
    DateTimeOffset? StepStartedAt,
    IReadOnlyList<StepRecord> Steps,
    IReadOnlyList<ScheduledMessage> Scheduled,
    Fault? LastFault,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static Response From(FileState file) => new(
        file.CorrelationId,
        file.CurrentState,
        file.Version,
        file.CurrentStep,
        file.Attempt,
        file.StepStartedAt,
        file.Steps,
        [],
        file.ErrorMessage == null ? null : new Fault(file.CurrentStep, file.Attempt, file.ErrorMessage),
        file.CreatedAt,
        file.UpdatedAt);
}

/// <summary>A retry or timeout the saga has scheduled and not yet received.</summary>
public sealed record ScheduledMessage(string Kind, DateTimeOffset DueAt, Guid TokenId);

public sealed record Fault(string? Step, int Attempt, string Message);
