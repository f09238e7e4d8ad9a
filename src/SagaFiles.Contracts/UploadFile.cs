namespace SagaFiles.Contracts;

/// <summary>Publish the result to the processed bucket with its metadata, then clean staging.</summary>
public record UploadFile : StepCommand
{
    public required string ResultBucket { get; init; }

    public required string ResultKey { get; init; }

    public required string ResultName { get; init; }

    public required string Format { get; init; }

    public required string Sha256 { get; init; }

    public required string SourceKey { get; init; }

    public long? RowCount { get; init; }

    /// <summary>When the file was received; dates the output's key.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
