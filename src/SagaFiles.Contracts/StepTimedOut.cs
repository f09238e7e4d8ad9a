namespace SagaFiles.Contracts;

/// <summary>A step's attempt got no answer within its timeout (scheduled by the saga to itself).</summary>
public record StepTimedOut
{
    public required Guid FileId { get; init; }

    public required string Step { get; init; }

    public required int Attempt { get; init; }
}
