using Microsoft.Extensions.Logging;
using SagaFiles.Components.Steps;
using SagaFiles.Processing.Hashing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>Streams the staged original through SHA-256; nothing is written, so running twice changes nothing.</summary>
public sealed class ComputeChecksumConsumer(IObjectStore store, StepBudgets budgets, ILogger<ComputeChecksumConsumer> logger)
    : IConsumer<ComputeChecksum>
{
    public async Task Consume(ConsumeContext<ComputeChecksum> context)
    {
        using var step = StepScope.Begin(logger, context.Message, FileSteps.Checksum);
        await budgets.RunAsync(context, step.Progress, logger, cancellationToken => ChecksumAsync(context, step, cancellationToken));
    }

    async Task ChecksumAsync(ConsumeContext<ComputeChecksum> context, StepScope step, CancellationToken cancellationToken)
    {
        var command = context.Message;
        Sha256Checksum checksum;
        await using (var content = await store.OpenReadAsync(command.Bucket, command.Key, cancellationToken))
        await using (var hashing = new HashingStream(content))
        {
            step.Progress.Track(() => hashing.BytesRead, total: null);
            checksum = await hashing.DrainAsync(cancellationToken);
        }
        logger.LogInformation("SHA-256 of {Bytes} bytes: {Sha256}", checksum.Length, checksum.Hex);

        await context.Publish(new ChecksumComputed
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            Sha256 = checksum.Hex, Size = checksum.Length
        }, cancellationToken);
    }
}
