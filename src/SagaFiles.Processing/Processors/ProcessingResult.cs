using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Processors;

/// <summary>What a processor produced.</summary>
/// <param name="Kind">The processor that ran.</param>
/// <param name="MediaType">The output's media type.</param>
/// <param name="InputBytes">Bytes read.</param>
/// <param name="OutputBytes">Bytes written.</param>
/// <param name="Conversion">Details of a Parquet conversion; null for other processors.</param>
public sealed record ProcessingResult(
    ProcessorKind Kind,
    string MediaType,
    long InputBytes,
    long OutputBytes,
    ConversionResult? Conversion = null);
