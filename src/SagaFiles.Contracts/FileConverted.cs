namespace SagaFiles.Contracts;

/// <summary>
/// The file was processed: its results are in staging, ready to publish (or, for a small file, already published), or (an
/// archive) each entry became a child file with its own saga.
/// </summary>
public record FileConverted : StepCompleted
{
    /// <summary>The processor the routing chose: <c>parquet</c>, <c>archive</c>, <c>pass-through</c>, ...</summary>
    public required string Processor { get; init; }

    /// <summary>What to publish; empty for an archive, and when <see cref="OutputManifest" /> lists them.</summary>
    public required IReadOnlyList<FileOutput> Outputs { get; init; }

    /// <summary>Where the results are listed when the list is too long for a message; null when <see cref="Outputs" /> has them.</summary>
    public OutputManifest? OutputManifest { get; init; }

    /// <summary>
    /// The step published the results itself (a small file's, see <see cref="ConvertFile.Publication" />): <see cref="Outputs" />
    /// and <see cref="OutputManifest" /> are the published ones, staging is cleaned, and no upload step follows.
    /// </summary>
    public bool ResultsPublished { get; init; }

    /// <summary>How many child files an archive expanded into; null otherwise.</summary>
    public int? ChildCount { get; init; }

    /// <summary>An archive's children, stored and listed but not yet published (<see cref="ArchiveExpanded" /> releases them).</summary>
    public ChildManifest? Children { get; init; }
}
