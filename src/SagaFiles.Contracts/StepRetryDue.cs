namespace SagaFiles.Contracts;

/// <summary>The backoff after a step's failed attempt has passed: time for its next attempt (scheduled by the saga to itself).</summary>
public record StepRetryDue
{
    public required Guid FileId { get; init; }

    public required string Step { get; init; }

    /// <summary>The attempt that failed.</summary>
    public required int Attempt { get; init; }
}
