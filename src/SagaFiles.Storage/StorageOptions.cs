using System.ComponentModel.DataAnnotations;

namespace SagaFiles.Storage;

/// <summary>Where files live (section <c>Storage</c>): uploads, work in progress, results.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>The largest object a single S3 CopyObject can copy; <see cref="MaxFileBytes" /> stays under it.</summary>
    public const long MaxCopyBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>Uploads as received, before any step has run.</summary>
    [Required]
    [S3BucketName]
    public string IncomingBucket { get; set; } = "sagafiles-incoming";

    /// <summary>Work in progress: the staged original and the converted result, under <c>{tenant}/staging/{fileId}/</c>.</summary>
    [Required]
    [S3BucketName]
    public string StagingBucket { get; set; } = "sagafiles-staging";

    /// <summary>Published results, under <c>{tenant}/processed/{yyyy}/{MM}/{dd}/{fileId}/</c>.</summary>
    [Required]
    [S3BucketName]
    public string ProcessedBucket { get; set; } = "sagafiles-processed";

    /// <summary>
    /// The largest file one plain <c>POST /files</c> accepts, in bytes (it streams, but a broken connection starts it over):
    /// larger files take the resumable route, <c>POST /uploads</c>, up to <see cref="MaxFileBytes" />.
    /// </summary>
    [Range(1L, MaxCopyBytes, ErrorMessage = "Storage:MaxUploadBytes must be between 1 byte and 5 GiB (the S3 CopyObject limit).")]
    public long MaxUploadBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>
    /// The largest file SagaFiles takes in by any door (a resumable upload, an object already in storage), in bytes; the
    /// download step copies it on the server, so at most what one CopyObject copies.
    /// </summary>
    [Range(1L, MaxCopyBytes, ErrorMessage = "Storage:MaxFileBytes must be between 1 byte and 5 GiB (the S3 CopyObject limit).")]
    public long MaxFileBytes { get; set; } = MaxCopyBytes;

    /// <summary>How long a download link stays valid.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00",
        ErrorMessage = "Storage:PresignedUrlLifetime must be between 1 second and 7 days (the SigV4 limit).")]
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The three buckets, in the order files move through them.</summary>
    public IReadOnlyList<string> Buckets => [IncomingBucket, StagingBucket, ProcessedBucket];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Buckets.Distinct(StringComparer.Ordinal).Count() != Buckets.Count)
            yield return new ValidationResult("Storage:IncomingBucket, StagingBucket and ProcessedBucket must be three different buckets.",
                [nameof(IncomingBucket), nameof(StagingBucket), nameof(ProcessedBucket)]);
        if (MaxUploadBytes > MaxFileBytes)
            yield return new ValidationResult("Storage:MaxUploadBytes cannot be larger than Storage:MaxFileBytes, the largest file taken in at all.",
                [nameof(MaxUploadBytes), nameof(MaxFileBytes)]);
    }
}
