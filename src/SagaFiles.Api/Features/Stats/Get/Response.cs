using SagaFiles.ServiceDefaults;

namespace SagaFiles.Api.Features.Stats.Get;

/// <param name="Since">The start of the window (files that finished since then count).</param>
/// <param name="Completed">Files that completed in the window.</param>
/// <param name="Failed">Files that failed in the window.</param>
/// <param name="FilesPerMinute">Finished files (completed or failed) per minute over the window.</param>
/// <param name="SuccessRate">Completed among the finished (0 to 1); null when none finished.</param>
/// <param name="PerMinute">Finished files in each minute of the window that had any.</param>
/// <param name="Steps">Each step's run time over the step runs of the files that finished in the window.</param>
/// <param name="Queues">Every queue of the environment, as SQS approximates its counts now.</param>
public sealed record Response(DateTimeOffset Since, int Minutes, long Completed, long Failed, double FilesPerMinute, double? SuccessRate,
    IReadOnlyList<Minute> PerMinute, IReadOnlyList<StepLatency> Steps, IReadOnlyList<QueueDepth> Queues);

public sealed record Minute(DateTimeOffset At, long Completed, long Failed);

/// <summary>Percentiles of a step's duration in milliseconds (the last attempt of each file's step).</summary>
public sealed record StepLatency(string Step, long Runs, double P50Ms, double P95Ms, double P99Ms);
