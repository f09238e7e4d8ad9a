namespace SagaFiles.Contracts;

/// <summary>A file was received and stored; its processing can begin. Starts (or resumes) the file's saga.</summary>
public record FileUploaded
{
    public required Guid FileId { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string OriginalName { get; init; }

    public required string ContentType { get; init; }

    public required long Size { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset UploadedAt { get; init; }
}
