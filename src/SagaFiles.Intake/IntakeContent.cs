using SagaFiles.Storage;

namespace SagaFiles.Intake;

/// <summary>Where a file's bytes are when it is handed in.</summary>
public abstract record IntakeContent
{
    IntakeContent()
    {
    }

    /// <summary>
    /// A request's bytes still to be stored: read once, to the end, and streamed to the incoming bucket (never held
    /// whole), up to <c>Storage:MaxUploadBytes</c> (a broken request starts over, so larger files go in parts).
    /// </summary>
    public static IntakeContent FromStream(Stream stream) => new Unstored(stream, FromRequest: true);

    /// <summary>Bytes a door reads by itself (a watched folder's file, a bucket source's object), stored as a stream up to <c>Storage:MaxFileBytes</c>.</summary>
    public static IntakeContent FromSource(Stream stream) => new Unstored(stream, FromRequest: false);

    /// <summary>
    /// An object already in SagaFiles' storage (a completed multipart upload): recorded where it is, not
    /// copied, and never deleted by the intake.
    /// </summary>
    public static IntakeContent FromObject(ObjectLocation location) => new StoredObject(location);

    /// <param name="FromRequest">Held to <c>Storage:MaxUploadBytes</c> when true, else to <c>Storage:MaxFileBytes</c>.</param>
    public sealed record Unstored(Stream Stream, bool FromRequest) : IntakeContent;

    public sealed record StoredObject(ObjectLocation Location) : IntakeContent;

    /// <summary>
    /// The file's own copy under its id, deleted again if the file is not accepted: what <see cref="FileIntake.StoreAsync" />
    /// made of an <see cref="Unstored" /> content, or what a resumable upload assembled (<see cref="ResumableUploads" />).
    /// </summary>
    public sealed record Staged(Guid FileId, ObjectLocation Location, long Size) : IntakeContent;
}
