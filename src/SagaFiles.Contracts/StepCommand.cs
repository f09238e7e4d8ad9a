namespace SagaFiles.Contracts;

/// <summary>What every step command carries: which file, and which attempt of the step this is.</summary>
public abstract record StepCommand
{
    public required Guid FileId { get; init; }

    /// <summary>Whose file it is: the objects a step stores go under the tenant's prefix.</summary>
    public required string Tenant { get; init; }

    /// <summary>1 for the first try; a completion for an older attempt is ignored.</summary>
    public required int Attempt { get; init; }
}

/// <summary>What every step completion carries: the file, the attempt it answers, and who did the work for how long.</summary>
public abstract record StepCompleted
{
    public required Guid FileId { get; init; }

    public required int Attempt { get; init; }

    /// <summary>The worker that did the step (machine/process).</summary>
    public required string WorkerHost { get; init; }

    public required TimeSpan Duration { get; init; }
}
