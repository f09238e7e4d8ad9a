using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Processors;

/// <summary>A staged file to process.</summary>
/// <param name="Content">The bytes, from position 0; seekable (a staged temp file), left open.</param>
/// <param name="FileName">The original name, sanitized (<see cref="FileNames.Sanitize" />).</param>
/// <param name="Type">What detection found.</param>
/// <param name="ArchiveDepth">How many archives deep the file is (0: received from outside).</param>
/// <param name="ArchiveShare">For a file from an archive: what it may expand to if it is an archive itself.</param>
/// <param name="Progress">Told the rows converted or entries expanded as the processor goes; null: nobody watches.</param>
public sealed record ProcessingInput(Stream Content, string FileName, DetectedFileType Type, int ArchiveDepth, ArchiveShare? ArchiveShare = null,
    IProcessingProgress? Progress = null);
