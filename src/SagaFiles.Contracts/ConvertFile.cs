namespace SagaFiles.Contracts;

/// <summary>Convert the staged original: tabular data to Parquet, anything else passes through.</summary>
public record ConvertFile : StepCommand
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string OriginalName { get; init; }
}
