using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;
using SagaFiles.Processing;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Hashing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Takes custody of an upload: copies it (on the server) to <c>{tenant}/staging/{fileId}/original</c>, rejects an empty or
/// oversized file, and detects its type from its first 64 KiB and its name, read before the copy by the request that also
/// tells its size. A file no longer than that is all read by then, so its SHA-256 comes with the answer and the checksum
/// step is not needed. Running twice overwrites the same key.
/// </summary>
public sealed class DownloadFileConsumer(IObjectStore store, IOptions<StorageOptions> options, StepBudgets budgets,
    ILogger<DownloadFileConsumer> logger) : IConsumer<DownloadFile>
{
    public async Task Consume(ConsumeContext<DownloadFile> context)
    {
        using var step = StepScope.Begin(logger, context.Message, FileSteps.Download);
        await budgets.RunAsync(context, step.Progress, logger, cancellationToken => DownloadAsync(context, step, cancellationToken));
    }

    async Task DownloadAsync(ConsumeContext<DownloadFile> context, StepScope step, CancellationToken cancellationToken)
    {
        var command = context.Message;

        var source = new ObjectLocation(command.SourceBucket, command.SourceKey);
        ObjectPrefix first;
        try
        {
            first = await store.ReadPrefixAsync(source.Bucket, source.Key, FileTypeDetector.PrefixLength, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new InvalidFileException("The uploaded file is no longer in storage: upload it again.");
        }

        Refuse(first.Object.Size);
        var staged = new ObjectLocation(options.Value.StagingBucket, FileKeys.StagedOriginal(command.Tenant, command.FileId));
        var copied = await store.CopyAsync(source, staged, sourceInfo: first.Object, cancellationToken: cancellationToken);
        // The type and the checksum must describe the staged bytes. The copy has the entity tag of what was read unless the
        // source was replaced in between (or was uploaded in parts, whose tag a copy does not keep): then read the copy.
        if (copied.ETag is null || copied.ETag != first.Object.ETag)
        {
            first = await store.ReadPrefixAsync(staged.Bucket, staged.Key, FileTypeDetector.PrefixLength, cancellationToken);
            Refuse(first.Object.Size);
        }

        var type = FileTypeDetector.Detect(first.Bytes, command.OriginalName);
        var checksum = first.IsWhole ? Sha256.Of(first.Bytes) : null;
        logger.LogInformation("Staged {Source} ({Size} bytes) at {Staged}, detected {DetectedType} ({MediaType}), SHA-256 {Sha256}",
            source, first.Object.Size, staged, type.Name, type.MediaType, checksum?.Hex ?? "left to the checksum step");

        await context.Publish(new FileDownloaded
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            StagingBucket = staged.Bucket, StagingKey = staged.Key, Size = first.Object.Size,
            DetectedType = type.Name, MediaType = type.MediaType, Category = type.Category, Sha256 = checksum?.Hex
        }, cancellationToken);
    }

    void Refuse(long size)
    {
        if (InputChecks.Refusal(size) is { } refusal)
            throw new InvalidFileException(refusal);
        if (size > options.Value.MaxFileBytes)
            throw new InvalidFileException($"The file is {size:N0} bytes; files of at most {options.Value.MaxFileBytes:N0} bytes are accepted.");
    }
}
