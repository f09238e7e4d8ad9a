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
/// oversized file, and detects its type from its first 64 KiB and its name. A file shorter than that is all read by then,
/// so its SHA-256 comes with the answer and the checksum step is not needed. Running twice overwrites the same key.
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
        var upload = await store.HeadAsync(source.Bucket, source.Key, cancellationToken) ??
            throw new InvalidFileException("The uploaded file is no longer in storage: upload it again.");
        if (InputChecks.Refusal(upload.Size) is { } refusal)
            throw new InvalidFileException(refusal);
        if (upload.Size > options.Value.MaxFileBytes)
            throw new InvalidFileException($"The file is {upload.Size:N0} bytes; files of at most {options.Value.MaxFileBytes:N0} bytes are accepted.");

        var staged = new ObjectLocation(options.Value.StagingBucket, FileKeys.StagedOriginal(command.Tenant, command.FileId));
        await store.CopyAsync(source, staged, sourceInfo: upload, cancellationToken: cancellationToken);
        var prefix = await store.ReadPrefixAsync(staged.Bucket, staged.Key, FileTypeDetector.PrefixLength, cancellationToken);
        var type = FileTypeDetector.Detect(prefix, command.OriginalName);
        // A read that stopped short of what it asked for reached the end of the staged copy: it holds the whole file.
        var wholeFile = prefix.Length < FileTypeDetector.PrefixLength && prefix.Length == upload.Size;
        var checksum = wholeFile ? Sha256.Of(prefix) : null;
        logger.LogInformation("Staged {Source} ({Size} bytes) at {Staged}, detected {DetectedType} ({MediaType}), SHA-256 {Sha256}",
            source, upload.Size, staged, type.Name, type.MediaType, checksum?.Hex ?? "left to the checksum step");

        await context.Publish(new FileDownloaded
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            StagingBucket = staged.Bucket, StagingKey = staged.Key, Size = upload.Size,
            DetectedType = type.Name, MediaType = type.MediaType, Category = type.Category, Sha256 = checksum?.Hex
        }, cancellationToken);
    }
}
