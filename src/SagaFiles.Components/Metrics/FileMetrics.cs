using System.Diagnostics.Metrics;

namespace SagaFiles.Components.Metrics;

/// <summary>
/// What SagaFiles counts as files flow, on the <see cref="MeterName" /> meter (exported on every host's <c>/metrics</c>;
/// OpenTelemetry's Prometheus exporter adds the unit and <c>_total</c> suffixes, e.g. <c>sagafiles_step_duration_seconds</c>).
/// Labels are bounded: tenants, step names from <see cref="Steps.FileSteps" />, outcomes and <see cref="FailureClasses" />.
/// The gauges read from Postgres and SQS are in <see cref="FileGauges" /> and the API's queue gauges.
/// </summary>
public static class FileMetrics
{
    public const string MeterName = "SagaFiles";

    static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds, from a checksum of a small file to a conversion at its time limit (Processing:MaxStepDuration, 5 min).</summary>
    static readonly IReadOnlyList<double> StepSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    static readonly Counter<long> Uploads = Meter.CreateCounter<long>("sagafiles.uploads", "{file}", "Files accepted by an intake (REST upload), by tenant.");

    static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>("sagafiles.uploaded", "By", "Bytes of the files accepted by an intake, by tenant.");

    static readonly Histogram<double> StepDuration = Meter.CreateHistogram("sagafiles.step.duration", "s",
        "How long a step's run took in a worker, by step and outcome (completed, or the failure's class).", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = StepSeconds });

    static readonly Counter<long> StepAttempts = Meter.CreateCounter<long>("sagafiles.step.attempts", "{attempt}",
        "Attempts of a step the saga started (the first and every retry), by step.");

    static readonly Counter<long> StepRetries = Meter.CreateCounter<long>("sagafiles.step.retries", "{attempt}",
        "Attempts the saga scheduled again after a fault or a timeout, by step and failure class.");

    static readonly Counter<long> StepTimeouts = Meter.CreateCounter<long>("sagafiles.step.timeouts", "{attempt}",
        "Attempts unanswered within FileSaga:StepTimeout, by step.");

    static readonly Counter<long> StepFaults = Meter.CreateCounter<long>("sagafiles.step.faults", "{attempt}",
        "Attempts that faulted after the worker's own retries, by step and failure class.");

    static readonly Counter<long> StepRunRetries = Meter.CreateCounter<long>("sagafiles.step.run_retries", "{retry}",
        "A worker's in-process retries (kind=retry) and delayed redeliveries (kind=redelivery) of a step command, by step and failure class.");

    static readonly Counter<long> FilesFinished = Meter.CreateCounter<long>("sagafiles.files.finished", "{file}",
        "Files that reached Completed or Failed, by outcome and (for Failed) the step and failure class.");

    static readonly Counter<long> ConvertedRows = Meter.CreateCounter<long>("sagafiles.converted.rows", "{row}", "Rows written to results, by processor.");

    static readonly Counter<long> ConvertedInputBytes = Meter.CreateCounter<long>("sagafiles.converted.input", "By",
        "Bytes of the originals a converting processor read, by processor.");

    static readonly Counter<long> ConvertedOutputBytes = Meter.CreateCounter<long>("sagafiles.converted.output", "By",
        "Bytes of the results a converting processor wrote, by processor.");

    public static void Uploaded(string tenant, long bytes)
    {
        Uploads.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
        UploadedBytes.Add(bytes, new KeyValuePair<string, object?>("tenant", tenant));
    }

    /// <param name="outcome"><c>completed</c>, or the failure's class (<see cref="FailureClasses" />).</param>
    public static void StepRan(string step, string outcome, TimeSpan duration) =>
        StepDuration.Record(duration.TotalSeconds, new("step", step), new("outcome", outcome));

    public const string Completed = "completed";
    public const string Failed = "failed";

    public static void AttemptStarted(string step) => StepAttempts.Add(1, new KeyValuePair<string, object?>("step", step));

    public static void AttemptRetried(string step, string reasonClass) => StepRetries.Add(1, new("step", step), new("reason_class", reasonClass));

    public static void AttemptTimedOut(string step) => StepTimeouts.Add(1, new KeyValuePair<string, object?>("step", step));

    public static void AttemptFaulted(string step, string reasonClass) => StepFaults.Add(1, new("step", step), new("reason_class", reasonClass));

    /// <param name="kind"><c>retry</c> (in process) or <c>redelivery</c>.</param>
    public static void RunRetried(string step, string kind, string reasonClass) =>
        StepRunRetries.Add(1, new("step", step), new("kind", kind), new("reason_class", reasonClass));

    public static void FileCompleted() => FilesFinished.Add(1, new KeyValuePair<string, object?>("outcome", Completed));

    public static void FileFailed(string? step, string reasonClass) =>
        FilesFinished.Add(1, new("outcome", Failed), new("step", step ?? ""), new("reason_class", reasonClass));

    public static void Converted(string processor, long rows, long inputBytes, long outputBytes)
    {
        var tag = new KeyValuePair<string, object?>("processor", processor);
        ConvertedRows.Add(rows, tag);
        ConvertedInputBytes.Add(inputBytes, tag);
        ConvertedOutputBytes.Add(outputBytes, tag);
    }
}
