using System.Text.RegularExpressions;
using Cronos;
using SagaFiles.Components.Data;
using SagaFiles.Intake;
using SagaFiles.Storage;

namespace SagaFiles.Sources.Buckets;

/// <summary>What becomes of a bucket source's object once SagaFiles has its copy.</summary>
public enum AfterTaken
{
    /// <summary>Left where it is (the default): SagaFiles reads a source bucket, it does not tidy it.</summary>
    Keep,

    /// <summary>Deleted, if it is still the version that was taken.</summary>
    Delete,

    /// <summary>Copied under <see cref="BucketSourceOptions.MoveToPrefix" /> in the same bucket, then deleted.</summary>
    Move
}

/// <summary>One S3 bucket source (<c>Sources:Buckets:N</c>).</summary>
public sealed partial class BucketSourceOptions
{
    /// <summary>The bucket whose objects are taken in.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>Only keys starting with this are taken (none: the whole bucket).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Whose files they become.</summary>
    public string Tenant { get; set; } = Tenants.Default;

    /// <summary>Tags given to every file taken from this source.</summary>
    public Dictionary<string, string> Tags { get; set; } = [];

    /// <summary>
    /// When the reconciling lister runs (UTC), as a cron expression: five fields (minute to day of week), or six with
    /// seconds first. It also runs once at start-up. Default: every 15 minutes.
    /// </summary>
    public string Schedule { get; set; } = "*/15 * * * *";

    /// <summary>
    /// The SQS queue (a name, or its URL) S3 sends this bucket's ObjectCreated notifications to, for near-real-time pick-up;
    /// none: the lister alone finds new objects. Several sources may share one queue.
    /// </summary>
    public string? Queue { get; set; }

    /// <summary>What becomes of the object once SagaFiles has its copy: kept (default), deleted or moved.</summary>
    public AfterTaken After { get; set; } = AfterTaken.Keep;

    /// <summary>With <see cref="AfterTaken.Move" />: where in the same bucket (outside every source's prefix) it goes.</summary>
    public string? MoveToPrefix { get; set; }

    /// <summary>How many objects one lister copies in at once.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>How the source is named in logs, health and its cursor: <c>s3://bucket/prefix</c>.</summary>
    public string Name => $"s3://{Bucket}/{Prefix}";

    /// <summary>Whether the object is this source's.</summary>
    public bool Covers(string bucket, string key) => bucket == Bucket && key.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The schedule, parsed (valid once the options passed validation).</summary>
    public CronExpression Cron => ParseSchedule(Schedule);

    /// <summary>Five fields, or six with seconds: Cronos needs to be told which.</summary>
    internal static CronExpression ParseSchedule(string schedule) =>
        CronExpression.Parse(schedule, schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    /// <summary>A queue name as SQS allows it, or an https/http URL.</summary>
    [GeneratedRegex("^([A-Za-z0-9_-]{1,80}|https?://.+)$")]
    internal static partial Regex QueueShape();

    /// <summary>The problems of <c>Sources:Buckets</c>, each naming its setting.</summary>
    internal static IEnumerable<string> Problems(IReadOnlyList<BucketSourceOptions> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            var at = $"Sources:Buckets:{i}";
            if (S3BucketNameAttribute.Problem(source.Bucket) is { } bucket)
                yield return $"{at}:Bucket '{source.Bucket}' {bucket}.";
            if (source.Prefix.Length > BucketObject.MaxKeyLength)
                yield return $"{at}:Prefix is longer than an S3 key can be ({BucketObject.MaxKeyLength}).";
            if (!Tenants.IsValid(source.Tenant))
                yield return $"{at}:Tenant '{source.Tenant}': {Tenants.Rule}.";
            if (IntakeTags.From(source.Tags).Problem is { } tags)
                yield return $"{at}:Tags: {tags}";
            string? cron = null;
            try
            {
                _ = ParseSchedule(source.Schedule);
            }
            catch (CronFormatException e)
            {
                cron = $"{at}:Schedule '{source.Schedule}' is not a cron expression (five fields, or six with seconds first): {e.Message}";
            }

            if (cron != null)
                yield return cron;
            if (source.Queue is { } queue && !QueueShape().IsMatch(queue))
                yield return $"{at}:Queue '{queue}' must be an SQS queue name (1-80 letters, digits, '-', '_') or its URL.";
            if (source.Parallelism is < 1 or > 64)
                yield return $"{at}:Parallelism must be between 1 and 64.";
            if (source.After == AfterTaken.Move)
            {
                if (string.IsNullOrEmpty(source.MoveToPrefix))
                    yield return $"{at}:MoveToPrefix is needed when After is Move.";
                else if (sources.Any(s => s.Bucket == source.Bucket && source.MoveToPrefix.StartsWith(s.Prefix, StringComparison.Ordinal)))
                    yield return $"{at}:MoveToPrefix '{source.MoveToPrefix}' lies under a source's prefix in the same bucket: a moved object would be taken again.";
            }

            // Two sources over the same keys would race for each object and give it either's tenant.
            for (var j = 0; j < i; j++)
                if (sources[j].Bucket == source.Bucket &&
                    (source.Prefix.StartsWith(sources[j].Prefix, StringComparison.Ordinal) || sources[j].Prefix.StartsWith(source.Prefix, StringComparison.Ordinal)))
                    yield return $"{at} ({source.Name}) overlaps Sources:Buckets:{j} ({sources[j].Name}): an object would belong to both.";
        }
    }
}
