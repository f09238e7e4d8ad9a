using System.ComponentModel.DataAnnotations;

namespace SagaFiles.Components.StateMachines;

/// <summary>How the file saga retries and times out its steps (section <c>FileSaga</c>).</summary>
public sealed class FileSagaOptions
{
    public const string Section = "FileSaga";

    /// <summary>Attempts of a step (the first one included) before the file fails.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second attempt of a step that faulted; each further attempt waits twice as long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "12:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long an attempt may go unanswered before it counts as failed and the step is sent again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "12:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a worker looks for attempts past their deadline (<see cref="StepTimeoutSweeper" />): an attempt
    /// times out at most this long after it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StepTimeoutSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryDelay(int failedAttempt) => FirstRetryDelay * Math.Pow(2, Math.Max(0, failedAttempt - 1));
}
