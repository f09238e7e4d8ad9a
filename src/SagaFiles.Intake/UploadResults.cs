using SagaFiles.Components.Data;

namespace SagaFiles.Intake;

/// <summary>What a resumable upload starts with: the file's name, declared size and tags, and who sends it.</summary>
public sealed record UploadStart
{
    public required string Name { get; init; }

    public required long Size { get; init; }

    public string? ContentType { get; init; }

    public IntakeTags Tags { get; init; } = IntakeTags.None;

    /// <summary>A key seen before (within the tenant) answers with the upload it started.</summary>
    public string? IdempotencyKey { get; init; }

    public required string Tenant { get; init; }

    public string? UploadedBy { get; init; }
}

/// <summary>The upload started, or (<paramref name="Replayed" />) the one an earlier start with the same key began.</summary>
public sealed record UploadStarted(Upload Upload, bool Replayed);

/// <summary>Where to PUT one part straight to storage, its required size, and until when the link works.</summary>
public sealed record PartUploadUrl(Uri Url, int Number, long Size, DateTimeOffset ExpiresAt);

/// <summary>
/// What a client says about a part at completion: its size and SHA-256 (hex) are checked against the part received; with
/// an <paramref name="ETag" /> (as storage returned it), the part was sent straight to storage and is recorded as listed.
/// </summary>
public sealed record PartClaim(int Number, long? Size = null, string? ETag = null, string? Sha256 = null);

public enum UploadRefusalKind
{
    /// <summary>The request is wrong as sent (a part number out of range, a wrong size or checksum).</summary>
    Invalid,

    /// <summary>The upload is not in a state to do it (missing parts, already aborted, being completed).</summary>
    Conflict
}

/// <summary>Why a resumable upload's request was refused, naming the field at fault.</summary>
public sealed record UploadRefusal(UploadRefusalKind Kind, string Field, string Problem)
{
    public static UploadRefusal Invalid(string field, string problem) => new(UploadRefusalKind.Invalid, field, problem);

    public static UploadRefusal Conflict(string field, string problem) => new(UploadRefusalKind.Conflict, field, problem);
}

/// <summary>A value, or the refusal that took its place.</summary>
public sealed record UploadResult<T>(T? Value, UploadRefusal? Refusal)
    where T : class
{
    public static implicit operator UploadResult<T>(T value) => new(value, null);

    public static implicit operator UploadResult<T>(UploadRefusal refusal) => new(null, refusal);
}
