namespace SagaFiles.Contracts;

/// <summary>The results are in the processed bucket.</summary>
public record ResultUploaded : StepCompleted
{
    /// <summary>The published objects, in the order of <see cref="UploadFile.Outputs" />.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }
}
