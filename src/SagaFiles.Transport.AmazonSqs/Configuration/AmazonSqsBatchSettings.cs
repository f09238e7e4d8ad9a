namespace SagaFiles.Transport.AmazonSqs;

/// <summary>
/// How one kind of request is batched (SQS DeleteMessageBatch, SendMessageBatch, SNS PublishBatch): entries for the same
/// queue or topic wait at most <see cref="Linger" /> for company and go out up to <see cref="MaxEntries" /> at a time.
/// While <see cref="MaxConcurrentBatches" /> requests to a queue or topic are in flight, new entries queue up and leave
/// together in the next one, so batches form under load even with no linger, and an idle bus adds no wait.
/// </summary>
public sealed class AmazonSqsBatchSettings
{
    /// <summary>SQS's and SNS's largest batch.</summary>
    public const int MaxBatchEntries = 10;

    public static readonly TimeSpan MaxLinger = TimeSpan.FromSeconds(1);

    public const int MaxConcurrency = 64;

    /// <summary>False: one request per message (DeleteMessage, SendMessage, Publish).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>1 to 10 entries per request.</summary>
    public int MaxEntries { get; set; } = MaxBatchEntries;

    /// <summary>How long the first entry of a batch waits for more (0 to 1 s): latency traded for fewer requests.</summary>
    public TimeSpan Linger { get; set; }

    /// <summary>Requests per queue or topic in flight at once (1 to 64); entries arriving meanwhile form the next batch.</summary>
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>What is wrong with these settings, naming <paramref name="name" />; null when they are valid.</summary>
    public string? Problem(string name)
    {
        if (MaxEntries is < 1 or > MaxBatchEntries)
            return $"{name}.MaxEntries must be 1 to {MaxBatchEntries} (SQS and SNS batch at most ten), not {MaxEntries}";
        if (Linger < TimeSpan.Zero || Linger > MaxLinger)
            return $"{name}.Linger must be 0 to {MaxLinger.TotalSeconds:0} s, not {Linger}";
        if (MaxConcurrentBatches is < 1 or > MaxConcurrency)
            return $"{name}.MaxConcurrentBatches must be 1 to {MaxConcurrency}, not {MaxConcurrentBatches}";
        return null;
    }
}

/// <summary>Batching of the three request kinds that SQS and SNS can batch.</summary>
public sealed class AmazonSqsBatching
{
    /// <summary>Deletes of consumed messages; a short linger by default, as a completion never waits on its delete for long.</summary>
    public AmazonSqsBatchSettings Deletes { get; set; } = new() { Linger = TimeSpan.FromMilliseconds(5) };

    /// <summary>Sends to one queue (SendMessageBatch, at most 256 KiB in all).</summary>
    public AmazonSqsBatchSettings Sends { get; set; } = new();

    /// <summary>Publishes to one topic (SNS PublishBatch, at most 256 KiB in all).</summary>
    public AmazonSqsBatchSettings Publishes { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        foreach (var problem in new[] { Deletes.Problem("Deletes"), Sends.Problem("Sends"), Publishes.Problem("Publishes") })
        {
            if (problem != null)
                yield return problem;
        }
    }
}
