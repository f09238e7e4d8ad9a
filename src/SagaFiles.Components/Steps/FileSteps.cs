using SagaFiles.Components.Consumers;
using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Steps;

/// <summary>The steps, in the order a file goes through them (docs/adr/0007). A new step is one more entry here.</summary>
public static class FileSteps
{
    public const string Download = "Download";
    public const string Checksum = "Checksum";
    public const string Convert = "Convert";
    public const string Upload = "Upload";

    /// <summary>Where the saga sends a Failed file's original to be kept (not a step: nothing answers it).</summary>
    public const string PreserveFailedQueue = "preserve-failed-file";

    public static readonly Uri PreserveFailedAddress = new($"queue:{PreserveFailedQueue}");

    public static readonly IReadOnlyList<FileStep> All =
    [
        FileStep.Of<DownloadFile, FileDownloaded, DownloadFileConsumer>(Download, nameof(FileStateMachine.Downloading), "download-file",
            new StepPolicy { ConcurrentMessageLimit = 8 },
            file => new DownloadFile
            {
                FileId = file.CorrelationId, Tenant = file.Tenant, Attempt = file.Attempt, SourceBucket = file.SourceBucket, SourceKey = file.SourceKey,
                OriginalName = file.OriginalName, Tags = file.Tags,
                // A small file's download converts it and publishes its results (docs/adr/0007): only while Convert and Upload
                // are the steps after the checksum.
                ReceivedAt = file.CreatedAt
            }),
        FileStep.Of<ComputeChecksum, ChecksumComputed, ComputeChecksumConsumer>(Checksum, nameof(FileStateMachine.Checksumming), "compute-checksum",
            new StepPolicy { ConcurrentMessageLimit = Environment.ProcessorCount },
            file => new ComputeChecksum { FileId = file.CorrelationId, Tenant = file.Tenant, Attempt = file.Attempt, Bucket = file.StagingBucket!, Key = file.StagingKey! }),
        FileStep.Of<ConvertFile, FileConverted, ConvertFileConsumer>(Convert, nameof(FileStateMachine.Converting), "convert-file",
            // Most of a small file's conversion is waiting on S3 and the saga: two per core overlap it (bench/end-to-end.sh
            // 1 200 30 on two cores: 1 at once 9.7 files/s, 4 at once 18.2-19.2, 8 at once 10.2-12.8). Larger files also
            // need one of the worker's ConversionSlots, so conversions together keep no more threads busy than there are cores.
            new StepPolicy { ConcurrentMessageLimit = 2 * Environment.ProcessorCount },
            file => new ConvertFile
            {
                FileId = file.CorrelationId, Tenant = file.Tenant, Attempt = file.Attempt, Bucket = file.StagingBucket!, Key = file.StagingKey!,
                OriginalName = file.OriginalName, Size = file.Size, Tags = file.Tags, UploadedBy = file.UploadedBy, ArchiveDepth = file.ArchiveDepth,
                ArchiveBudget = file.ArchiveBudgetBytes is { } bytes ? new ArchiveBudget(bytes, file.ArchiveBudgetEntries ?? 1) : null,
                // A small file's conversion publishes its results itself (docs/adr/0007): only while Upload follows Convert.
                Publication = new ResultPublication { Sha256 = file.Sha256!, SourceKey = file.SourceKey, ReceivedAt = file.CreatedAt }
            }),
        FileStep.Of<UploadFile, ResultUploaded, UploadFileConsumer>(Upload, nameof(FileStateMachine.Uploading), "upload-file",
            new StepPolicy { ConcurrentMessageLimit = 8 },
            file => new UploadFile
            {
                FileId = file.CorrelationId, Tenant = file.Tenant, Attempt = file.Attempt, Outputs = file.Outputs, OutputManifest = file.OutputManifest, Sha256 = file.Sha256!, SourceKey = file.SourceKey,
                ReceivedAt = file.CreatedAt
            })
    ];

    /// <summary>Every queue the saga sends to (what a dead-letter redrive may address), without the environment prefix.</summary>
    public static readonly IReadOnlyList<string> Queues = [.. All.Select(s => s.Queue), PreserveFailedQueue];

    /// <summary>The saga states in which a step runs.</summary>
    public static readonly IReadOnlyList<string> States = [.. All.Select(s => s.State)];

    public static FileStep Named(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "Not a step of FileSteps.All.");

    /// <summary>The step whose command this is.</summary>
    public static FileStep Sending(StepCommand command) =>
        All.SingleOrDefault(s => s.Command == command.GetType()) ??
        throw new ArgumentOutOfRangeException(nameof(command), command.GetType(), "No step of FileSteps.All sends this command.");

    public static FileStep RunBy(Type consumer) =>
        All.SingleOrDefault(s => s.Consumer == consumer) ??
        throw new ArgumentOutOfRangeException(nameof(consumer), consumer, "No step of FileSteps.All is run by this consumer.");
}
