namespace SagaFiles.Contracts;

/// <summary>The results are in the processed bucket.</summary>
public record ResultUploaded : StepCompleted
{
    /// <summary>The published objects, in the order of the staged ones; empty when <see cref="OutputManifest" /> lists them.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }

    /// <summary>Where the published objects are listed when the list is too long for a message.</summary>
    public OutputManifest? OutputManifest { get; init; }
}
