using MassTransit;
using SagaFiles.Components.Consumers;
using SagaFiles.Storage;

namespace SagaFiles.Components.Metrics;

/// <summary>
/// A failure's class, the <c>reason_class</c> label of the step metrics: a few fixed values, so a metric gets a bounded
/// number of series whatever the reasons say. From an exception's exact type name, as a fault reports it.
/// </summary>
public static class FailureClasses
{
    /// <summary>The content cannot be processed (<see cref="PermanentFailures" />); another attempt would fail the same way.</summary>
    public const string Permanent = "permanent";

    /// <summary>No answer within FileSaga:StepTimeout, or a run stopped at that deadline.</summary>
    public const string Timeout = "timeout";

    /// <summary>S3 failed (a transient storage error, a missing bucket).</summary>
    public const string Storage = "storage";

    /// <summary>SQS/SNS failed while the step published its answer.</summary>
    public const string Transport = "transport";

    /// <summary>The worker ran out of disk or file handles.</summary>
    public const string WorkerResource = "worker_resource";

    /// <summary>I/O, HTTP or a timeout of a call: transient by nature.</summary>
    public const string Io = "io";

    /// <summary>An archive's children failed beyond Processing:Archives:ToleratedFailurePercent.</summary>
    public const string Children = "children";

    public const string Other = "other";

    static readonly Dictionary<string, string> ByType = new(StringComparer.Ordinal)
    {
        [typeof(AttemptSupersededException).FullName!] = Timeout,
        [typeof(System.TimeoutException).FullName!] = Io,
        [typeof(WorkerResourceException).FullName!] = WorkerResource,
        [typeof(StorageException).FullName!] = Storage,
        [typeof(BucketNotFoundException).FullName!] = Storage,
        [typeof(ConnectionException).FullName!] = Transport,
        [typeof(IOException).FullName!] = Io,
        [typeof(HttpRequestException).FullName!] = Io
    };

    /// <summary>The class of a failure whose exception has this full type name (as in <c>Fault&lt;T&gt;.Exceptions</c>).</summary>
    public static string Of(string? exceptionType) =>
        PermanentFailures.IsPermanent(exceptionType) ? Permanent
        : exceptionType != null && ByType.TryGetValue(exceptionType, out var known) ? known
        : exceptionType?.EndsWith("ConnectionException", StringComparison.Ordinal) == true ? Transport
        : Other;

    public static string Of(Exception exception) => Of(exception.GetType().FullName);
}
