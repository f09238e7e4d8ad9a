namespace SagaFiles.Contracts;

/// <summary>Take custody of the original: copy it into staging and validate it.</summary>
public record DownloadFile : StepCommand
{
    public required string SourceBucket { get; init; }

    public required string SourceKey { get; init; }

    public required string OriginalName { get; init; }
}
