namespace SagaFiles.Contracts;

/// <summary>Publish the results to the processed bucket with their metadata, then clean staging.</summary>
public record UploadFile : StepCommand
{
    /// <summary>The staged results; empty when <see cref="OutputManifest" /> lists them.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }

    /// <summary>Where the staged results are listed when the list is too long for a message.</summary>
    public OutputManifest? OutputManifest { get; init; }

    public required string Sha256 { get; init; }

    public required string SourceKey { get; init; }

    /// <summary>When the file was received; dates the outputs' keys.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
