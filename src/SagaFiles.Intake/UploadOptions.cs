using System.ComponentModel.DataAnnotations;
using SagaFiles.Storage;

namespace SagaFiles.Intake;

/// <summary>Resumable uploads (section <c>Uploads</c>): how they are cut into parts and how long an abandoned one is kept.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>
    /// The size of every part but the last (larger when a file would need more than 10,000 parts). Each part sent through
    /// the API is held in memory once while it is checked and stored, so this also bounds an upload request's memory.
    /// </summary>
    [Range(IMultipartStore.MinPartSize, 64 * 1024 * 1024, ErrorMessage = "Uploads:PartSize must be between 5 MiB (the S3 minimum) and 64 MiB.")]
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>An upload without a part or a completion for this long is aborted, its parts deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "Uploads:ExpireAfter must be between 1 second and 30 days.")]
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the API looks for expired uploads.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00", ErrorMessage = "Uploads:ExpiryScanInterval must be between 100 ms and 1 day.")]
    public TimeSpan ExpiryScanInterval { get; set; } = TimeSpan.FromMinutes(1);
}
