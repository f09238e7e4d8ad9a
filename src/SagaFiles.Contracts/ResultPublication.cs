namespace SagaFiles.Contracts;

/// <summary>What publishing a file's results needs besides the results: the metadata they carry and the date in their keys.</summary>
public record ResultPublication
{
    public required string Sha256 { get; init; }

    public required string SourceKey { get; init; }

    /// <summary>When the file was received; dates the outputs' keys.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
