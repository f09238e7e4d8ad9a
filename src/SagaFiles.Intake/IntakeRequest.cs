namespace SagaFiles.Intake;

/// <summary>
/// A file to take in, whichever door it came through (an HTTP upload, a bucket source, a watched folder, a resumable
/// upload's completion): what it is called, where its bytes are, and what its sender said about it. Nothing here is
/// HTTP; every rule about these values is checked by <see cref="FileIntake" />, once for all doors.
/// </summary>
public sealed record IntakeRequest
{
    /// <summary>The name as the sender gave it (a path is fine: the stored key keeps only its last segment).</summary>
    public required string Name { get; init; }

    /// <summary>The bytes: a stream still to be stored, or an object already in storage.</summary>
    public required IntakeContent Content { get; init; }

    /// <summary>The media type the sender claimed; none means <c>application/octet-stream</c>.</summary>
    public string? ContentType { get; init; }

    public IntakeTags Tags { get; init; } = IntakeTags.None;

    /// <summary>
    /// Makes the submission safe to repeat: a key seen before answers with the file its first submission created, and
    /// nothing of the repeat is kept. 1 to <see cref="IdempotencyKeys.MaxLength" /> printable ASCII characters.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Whose file it will be: its idempotency keys are looked up within this tenant only.</summary>
    public required string Tenant { get; init; }

    /// <summary>Who sent it: the API key's id or a JWT caller's uploader claim; null for a door run by SagaFiles itself.</summary>
    public string? UploadedBy { get; init; }
}
