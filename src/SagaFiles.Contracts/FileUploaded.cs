namespace SagaFiles.Contracts;

/// <summary>A file was received and stored; its processing can begin. Starts (or resumes) the file's saga.</summary>
public record FileUploaded
{
    public required Guid FileId { get; init; }

    /// <summary>Whose file it is; an archive's entries belong to the archive's tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>Who uploaded it (for an entry: the archive's uploader): an API key's id or a JWT caller's uploader claim.</summary>
    public string? UploadedBy { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string OriginalName { get; init; }

    public required string ContentType { get; init; }

    public required long Size { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset UploadedAt { get; init; }

    /// <summary>The archive this file is an entry of; null for a file received from outside.</summary>
    public Guid? ParentFileId { get; init; }

    /// <summary>How many archives deep the file is: 0 when received from outside, the parent's depth + 1 for an entry.</summary>
    public int ArchiveDepth { get; init; }

    /// <summary>For an entry: what it may expand to if it is an archive too; null for a file received from outside.</summary>
    public ArchiveBudget? ArchiveBudget { get; init; }
}
