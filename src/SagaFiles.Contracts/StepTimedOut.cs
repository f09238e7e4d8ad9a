namespace SagaFiles.Contracts;

/// <summary>
/// The file's step timer fired (the saga schedules it to itself): the attempt running now is timed out when it is past its
/// deadline. <see cref="Step" /> and <see cref="Attempt" /> name the attempt that set the timer.
/// </summary>
public record StepTimedOut
{
    public required Guid FileId { get; init; }

    public required string Step { get; init; }

    public required int Attempt { get; init; }
}
