namespace SagaFiles.Contracts;

/// <summary>
/// A step attempt went unanswered past its deadline: published by a worker's sweeper over the files' deadlines (docs/adr/0011).
/// The saga times the attempt out if it is still the one running and still past its deadline; a report made twice, or
/// overtaken by the attempt's answer or progress, changes nothing.
/// </summary>
public record StepTimedOut
{
    public required Guid FileId { get; init; }

    public required string Step { get; init; }

    public required int Attempt { get; init; }
}
