namespace SagaFiles.Processing.Processors;

/// <summary>
/// Turns a staged file into what is published: results (a Parquet file per table, say) or child files (the entries of
/// an archive). A new processor is this interface implemented once, registered once (AddFileProcessor), and named in a
/// routing rule (<see cref="FileRouter" />). Pass-through is built in: it needs no processor because the staged
/// original is published as it is.
/// </summary>
public interface IFileProcessor
{
    /// <summary>The name routing rules use: <c>parquet</c>, <c>archive</c>, ...</summary>
    string Name { get; }

    /// <summary>Whether the processor turns a file into child files (an archive's entries) rather than results.</summary>
    bool ExpandsIntoChildren => false;

    /// <summary>Processes <paramref name="input" />, writing into <paramref name="outputs" />.</summary>
    /// <exception cref="Conversion.ConversionException">The content cannot be processed; the message says why, for users.</exception>
    Task<ProcessingOutcome> ProcessAsync(ProcessingInput input, IProcessingOutputs outputs, CancellationToken cancellationToken);
}
