using SagaFiles.Storage;

namespace SagaFiles.Intake;

/// <summary>What became of a submission. Every refusal says why; a door turns it into its own answer.</summary>
public abstract record IntakeResult
{
    IntakeResult()
    {
    }

    /// <summary>The file the submission stands for: the new one (Accepted) or the first (Replayed); null for a refusal.</summary>
    public IntakeReceipt? Receipt => this switch
    {
        Accepted accepted => accepted.File,
        Replayed replayed => replayed.File,
        _ => null
    };

    /// <summary>The file was recorded with its saga started: its download's command commits with it.</summary>
    public sealed record Accepted(IntakeReceipt File) : IntakeResult;

    /// <summary>The idempotency key was seen before: this is the file its first submission created; nothing new was kept.</summary>
    public sealed record Replayed(IntakeReceipt File) : IntakeResult;

    /// <summary>From <see cref="FileIntake.StoreAsync" /> only: the bytes are stored; submit <paramref name="Request" /> to finish.</summary>
    public sealed record Stored(IntakeRequest Request) : IntakeResult;

    /// <summary>The content is longer than <paramref name="Limit" /> bytes; nothing was kept.</summary>
    public sealed record TooLarge(long Limit) : IntakeResult;

    /// <summary>The name is <paramref name="Length" /> characters long; the record keeps at most <paramref name="Limit" />.</summary>
    public sealed record NameTooLong(int Length, int Limit) : IntakeResult;

    /// <summary>The idempotency key is malformed; <paramref name="Problem" /> completes "The key ...".</summary>
    public sealed record InvalidIdempotencyKey(string Problem) : IntakeResult;

    /// <summary>The tags break a rule, as <paramref name="Problem" /> says.</summary>
    public sealed record InvalidTags(string Problem) : IntakeResult;

    /// <summary>The stored object named as the content does not exist.</summary>
    public sealed record ContentMissing(ObjectLocation Location) : IntakeResult;
}

/// <summary>The file a submission created (or, replayed, the one its first submission created).</summary>
public sealed record IntakeReceipt(Guid FileId, string OriginalName, long Size);
