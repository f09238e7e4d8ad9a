using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Processors;

/// <summary>
/// Turns a staged input file into the file that is stored. A new kind of processing is one implementation plus one
/// registration in <see cref="FileProcessorRegistry" />.
/// </summary>
public interface IFileProcessor
{
    ProcessorKind Kind { get; }

    /// <summary>Whether this processor handles files of <paramref name="type" />.</summary>
    bool CanProcess(DetectedFileType type);

    /// <summary>The name of the output for an input named <paramref name="fileName" /> (already sanitized).</summary>
    string OutputFileName(string fileName);

    /// <param name="input">The staged input, read from its current position; seekable.</param>
    /// <param name="output">Receives the result; left open.</param>
    /// <param name="type">The input's detected type.</param>
    /// <param name="cancellationToken">Cancels the processing.</param>
    Task<ProcessingResult> ProcessAsync(Stream input, Stream output, DetectedFileType type, CancellationToken cancellationToken);
}
