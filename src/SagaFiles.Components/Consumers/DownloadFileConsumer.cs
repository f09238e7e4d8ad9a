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
/// step is not needed. Such a file is also converted here and its results published, when the command carries its
/// <see cref="DownloadFile.ReceivedAt" /> (<see cref="ConvertWholeAsync" />): it is then neither staged nor sent to the convert
/// step. Running twice overwrites the same keys.
/// </summary>
public sealed class DownloadFileConsumer(IObjectStore store, IOptions<StorageOptions> options, StepBudgets budgets, FileConversion conversion,
    IOptions<ProcessingLimits> limits, ILogger<DownloadFileConsumer> logger) : IConsumer<DownloadFile>
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
        var (type, sha256) = Describe(first, command.OriginalName);
        if (first.IsWhole && command.ReceivedAt is { } receivedAt &&
            await ConvertWholeAsync(command, step, first, type, sha256!, receivedAt, cancellationToken) is { } converted)
        {
            logger.LogInformation("Converted {Source} ({Size} bytes, {DetectedType}, SHA-256 {Sha256}) within its download", source,
                first.Object.Size, type.Name, sha256);
            await context.Publish(new FileDownloaded
            {
                FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
                StagingBucket = source.Bucket, StagingKey = source.Key, Size = first.Object.Size,
                DetectedType = type.Name, MediaType = type.MediaType, Category = type.Category, Sha256 = sha256, Converted = converted
            }, cancellationToken);
            return;
        }

        var staged = new ObjectLocation(options.Value.StagingBucket, FileKeys.StagedOriginal(command.Tenant, command.FileId));
        var copied = await store.CopyAsync(source, staged, sourceInfo: first.Object, cancellationToken: cancellationToken);
        // The type and the checksum must describe the staged bytes. The copy has the entity tag of what was read unless the
        // source was replaced in between (or was uploaded in parts, whose tag a copy does not keep): then read the copy.
        if (copied.ETag is null || copied.ETag != first.Object.ETag)
        {
            first = await store.ReadPrefixAsync(staged.Bucket, staged.Key, FileTypeDetector.PrefixLength, cancellationToken);
            Refuse(first.Object.Size);
            (type, sha256) = Describe(first, command.OriginalName);
        }

        logger.LogInformation("Staged {Source} ({Size} bytes) at {Staged}, detected {DetectedType} ({MediaType}), SHA-256 {Sha256}",
            source, first.Object.Size, staged, type.Name, type.MediaType, sha256 ?? "left to the checksum step");

        await context.Publish(new FileDownloaded
        {
            FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
            StagingBucket = staged.Bucket, StagingKey = staged.Key, Size = first.Object.Size,
            DetectedType = type.Name, MediaType = type.MediaType, Category = type.Category, Sha256 = sha256
        }, cancellationToken);
    }

    /// <summary>The file's type, from its first bytes and its name, and its SHA-256 when those bytes are all of it.</summary>
    static (DetectedFileType Type, string? Sha256) Describe(ObjectPrefix first, string name) =>
        (FileTypeDetector.Detect(first.Bytes, name), first.IsWhole ? Sha256.Of(first.Bytes).Hex : null);

    /// <summary>
    /// A file read whole is converted as its convert step would convert it, from the bytes read and hashed, and its results are
    /// published: a convert step's command, answer and saga transition, the staged copy and its reads cost several times
    /// what converting a small file does.
    /// </summary>
    /// <returns>The convert step's answer; null when the file is left to the convert step: an archive (its children take
    /// that step's way), or a conversion that failed here for any reason but cancellation (invalid content, a store
    /// error, an answer too large for a message): the convert step runs it again and fails or retries it there, with that
    /// step's reason, as for any file.</returns>
    async Task<FileConverted?> ConvertWholeAsync(DownloadFile command, StepScope step, ObjectPrefix whole, DetectedFileType type, string sha256,
        DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var convert = new ConvertFile
        {
            FileId = command.FileId, Tenant = command.Tenant, Attempt = command.Attempt, Bucket = command.SourceBucket, Key = command.SourceKey,
            OriginalName = command.OriginalName, Size = whole.Object.Size, Tags = command.Tags,
            Publication = new ResultPublication { Sha256 = sha256, SourceKey = command.SourceKey, ReceivedAt = receivedAt }
        };
        var choice = conversion.Route(convert, type);
        if (choice.Processor is { ExpandsIntoChildren: true })
            return null;
        try
        {
            var converted = await conversion.RunAsync(convert, choice, type, whole.Object, whole.Bytes, convert.Publication, step.Progress,
                cancellationToken);
            // Checked here as the convert step checks its answer: one too large for a message is that step's to fail.
            return MessageSize.Checked(new FileConverted
            {
                FileId = command.FileId, Attempt = command.Attempt, WorkerHost = StepScope.WorkerHost, Duration = step.Elapsed,
                Processor = converted.Processor, Outputs = converted.Published!.Listed, OutputManifest = converted.Published.Manifest,
                ResultsPublished = true
            }, limits.Value);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogInformation("Converting {Name} within its download failed ({Reason}): the convert step takes it", command.OriginalName, e.Message);
            return null;
        }
    }

    void Refuse(long size)
    {
        if (InputChecks.Refusal(size) is { } refusal)
            throw new InvalidFileException(refusal);
        if (size > options.Value.MaxFileBytes)
            throw new InvalidFileException($"The file is {size:N0} bytes; files of at most {options.Value.MaxFileBytes:N0} bytes are accepted.");
    }
}
