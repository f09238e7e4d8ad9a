namespace SagaFiles.Contracts;

/// <summary>Keep a failed file's original where operators look for it: <c>{tenant}/failed/{timestamp}_{fileId}_{name}</c> in the incoming bucket.</summary>
public record PreserveFailedFile
{
    public required Guid FileId { get; init; }

    /// <summary>Whose file it is: the kept copy goes under the tenant's prefix.</summary>
    public required string Tenant { get; init; }

    public required string SourceBucket { get; init; }

    public required string SourceKey { get; init; }

    public required string OriginalName { get; init; }

    public required DateTimeOffset FailedAt { get; init; }
}
