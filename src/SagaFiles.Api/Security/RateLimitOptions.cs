using System.ComponentModel.DataAnnotations;

namespace SagaFiles.Api.Security;

/// <summary>Per-key limits (section <c>RateLimits</c>); the defaults leave room for a single busy client.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests of any kind a key may make per second, on average.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests a key may make at once after a quiet spell.</summary>
    [Range(1, 1_000_000)]
    public int RequestBurst { get; set; } = 500;

    /// <summary>Uploads (<c>POST /files</c>, <c>POST /uploads</c>) a key may start per minute, on average.</summary>
    [Range(1, 1_000_000)]
    public int UploadsPerMinute { get; set; } = 600;

    [Range(1, 1_000_000)]
    public int UploadBurst { get; set; } = 60;

    /// <summary>Uploads and resumable uploads' parts of one key in progress at once: each holds a buffer while it streams to storage.</summary>
    [Range(1, 10_000)]
    public int ConcurrentUploads { get; set; } = 16;
}
