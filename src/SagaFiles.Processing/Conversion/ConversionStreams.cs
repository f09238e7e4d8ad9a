namespace SagaFiles.Processing.Conversion;

/// <summary>What every converter asks of its streams: it reads the input twice, and writes the output forward.</summary>
static class ConversionStreams
{
    public static void Validate(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (!input.CanRead || !input.CanSeek)
            throw new ArgumentException("The input must be readable and seekable: stage it to a file first.", nameof(input));
        if (!output.CanWrite)
            throw new ArgumentException("The output must be writable.", nameof(output));
    }
}
