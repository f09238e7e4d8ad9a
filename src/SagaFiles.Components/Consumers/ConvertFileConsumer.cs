using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.StateMachines;
using SagaFiles.Processing;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Converts the staged original with the processor for its type: CSV/TSV become Parquet at
/// <c>staging/{fileId}/result/{name}.parquet</c> (through two temp files, deleted on every path); anything else passes
/// through and the staged original is the result. Running twice overwrites the same key.
/// </summary>
public sealed class ConvertFileConsumer(
    IObjectStore store,
    FileProcessorRegistry processors,
    IOptions<StorageOptions> options,
    ILogger<ConvertFileConsumer> logger) : IConsumer<ConvertFile>
{
    public async Task Consume(ConsumeContext<ConvertFile> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        using var step = StepScope.Begin(logger, command, FileSteps.Convert);

        // The type is detected again, the same way as at download: the command carries the staged key and the name only.
        var prefix = await store.ReadPrefixAsync(command.Bucket, command.Key, FileTypeDetector.PrefixLength, cancellationToken);
        var type = FileTypeDetector.Detect(prefix, command.OriginalName);
        var processor = processors.Resolve(type);
        var name = FileNames.Sanitize(command.OriginalName);

        var converted = processor.Kind == ProcessorKind.PassThrough
            ? await PassThroughAsync(command, name, cancellationToken)
            : await ConvertAsync(command, processor, type, name, cancellationToken);
        await context.Publish(converted with { Duration = step.Elapsed }, cancellationToken);
    }

    async Task<FileConverted> PassThroughAsync(ConvertFile command, string name, CancellationToken cancellationToken)
    {
        var original = await store.HeadAsync(command.Bucket, command.Key, cancellationToken) ??
            throw new ObjectNotFoundException(command.Bucket, command.Key);
        logger.LogInformation("Passing {Name} through unchanged ({Size} bytes)", name, original.Size);
        return Completed(command, command.Bucket, command.Key, name, ResultFormats.Original, original.Size);
    }

    async Task<FileConverted> ConvertAsync(ConvertFile command, IFileProcessor processor, DetectedFileType type, string name,
        CancellationToken cancellationToken)
    {
        await using var input = TempFile.Create(command.FileId, "input");
        await using (var original = await store.OpenReadAsync(command.Bucket, command.Key, cancellationToken))
            await original.CopyToAsync(input, cancellationToken);
        input.Position = 0;

        await using var output = TempFile.Create(command.FileId, "output");
        ProcessingResult result;
        try
        {
            result = await processor.ProcessAsync(input, output, type, cancellationToken);
        }
        catch (ConversionException e)
        {
            // Permanent: the definition does not retry it, and its message (with the line number) is the reason shown.
            logger.LogWarning("{Name} cannot be converted: {Reason}", name, e.Message);
            throw;
        }

        var resultName = processor.OutputFileName(name);
        var resultKey = FileKeys.StagedResult(command.FileId, resultName);
        output.Position = 0;
        var size = await store.PutAsync(options.Value.StagingBucket, resultKey, output, result.MediaType, cancellationToken: cancellationToken);
        logger.LogInformation("Converted {Name} ({InputBytes} bytes) to {ResultName} ({OutputBytes} bytes, {Rows} rows)",
            name, result.InputBytes, resultName, size, result.Conversion?.RowCount);

        return Completed(command, options.Value.StagingBucket, resultKey, resultName, FormatOf(processor.Kind), size) with
        {
            RowCount = result.Conversion?.RowCount, ColumnCount = result.Conversion?.Columns.Count
        };
    }

    static string FormatOf(ProcessorKind kind) => kind switch
    {
        ProcessorKind.ParquetConversion => ResultFormats.Parquet,
        _ => kind.ToString().ToLowerInvariant()
    };

    static FileConverted Completed(ConvertFile command, string bucket, string key, string name, string format, long size) => new()
    {
        FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = TimeSpan.Zero,
        ResultBucket = bucket, ResultKey = key, ResultName = name, Format = format, Size = size
    };
}

/// <summary>Conversion holds a row group in memory and keeps a core busy: half the cores at most.</summary>
public sealed class ConvertFileConsumerDefinition() : StepConsumerDefinition<ConvertFileConsumer>(Math.Max(1, Environment.ProcessorCount / 2));
