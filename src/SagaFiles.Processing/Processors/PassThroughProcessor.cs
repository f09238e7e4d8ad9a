using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Processors;

/// <summary>Copies the input unchanged; the fallback for every type nothing else handles.</summary>
public sealed class PassThroughProcessor : IFileProcessor
{
    const int CopyBufferSize = 1024 * 1024;

    public ProcessorKind Kind => ProcessorKind.PassThrough;

    public bool CanProcess(DetectedFileType type) => true;

    public string OutputFileName(string fileName) => fileName;

    public async Task<ProcessingResult> ProcessAsync(Stream input, Stream output, DetectedFileType type,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(type);
        var start = input.Position;
        await input.CopyToAsync(output, CopyBufferSize, cancellationToken).ConfigureAwait(false);
        var length = input.Position - start;
        return new ProcessingResult(Kind, type.MediaType, length, length);
    }
}
