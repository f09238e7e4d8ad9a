using System.Security.Cryptography;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Contracts;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.Support;

/// <summary>
/// A spec class for the step consumers: its own buckets on the emulator, a fresh harness per test, and the commands
/// the saga would send between the steps.
/// </summary>
public abstract class StepSpec
{
    protected const string Tenant = "acme";

    protected static readonly DateTimeOffset ReceivedAt = new(2026, 3, 9, 23, 30, 0, TimeSpan.FromHours(-2));

    protected TestStorage Storage { get; private set; } = null!;

    protected StepHarness Steps { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateBuckets() => Storage = await TestStorage.CreateAsync();

    [OneTimeTearDown]
    public void DisposeStorage() => Storage.Dispose();

    [SetUp]
    public async Task StartSteps() => Steps = await StepHarness.StartAsync(Storage);

    [TearDown]
    public async Task StopSteps() => await Steps.DisposeAsync();

    /// <summary>Stores an upload in the incoming bucket, as the API does, and returns the first download command for it.</summary>
    protected async Task<DownloadFile> UploadAsync(Guid fileId, string name, byte[] content, string contentType = "application/octet-stream")
    {
        var key = $"uploads/{fileId}/{Guid.NewGuid():N}";
        await Storage.Store.PutAsync(Storage.Options.IncomingBucket, key, new MemoryStream(content), contentType);
        return new DownloadFile { FileId = fileId, Tenant = Tenant, Attempt = 1, SourceBucket = Storage.Options.IncomingBucket, SourceKey = key, OriginalName = name };
    }

    protected Task<FileDownloaded> DownloadAsync(DownloadFile command) => Steps.RunAsync<FileDownloaded>(FileSteps.Download, command);

    protected Task<ChecksumComputed> ChecksumAsync(FileDownloaded downloaded, int attempt = 1) =>
        Steps.RunAsync<ChecksumComputed>(FileSteps.Checksum, new ComputeChecksum
        {
            FileId = downloaded.FileId, Tenant = Tenant, Attempt = attempt, Bucket = downloaded.StagingBucket, Key = downloaded.StagingKey
        });

    protected static ConvertFile ConvertCommand(FileDownloaded downloaded, string originalName, int attempt = 1) => new()
    {
        FileId = downloaded.FileId, Tenant = Tenant, Attempt = attempt, Bucket = downloaded.StagingBucket, Key = downloaded.StagingKey, OriginalName = originalName
    };

    protected Task<FileConverted> ConvertAsync(FileDownloaded downloaded, string originalName, int attempt = 1) =>
        Steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, originalName, attempt));

    protected Task<ResultUploaded> PublishAsync(FileConverted converted, string sha256, DownloadFile upload, int attempt = 1) =>
        Steps.RunAsync<ResultUploaded>(FileSteps.Upload, new UploadFile
        {
            FileId = converted.FileId, Tenant = Tenant, Attempt = attempt, Outputs = converted.Outputs, OutputManifest = converted.OutputManifest, Sha256 = sha256, SourceKey = upload.SourceKey,
            ReceivedAt = ReceivedAt
        });

    /// <summary>Takes a file through download and checksum, as the saga does before conversion.</summary>
    protected async Task<(DownloadFile Upload, FileDownloaded Downloaded, ChecksumComputed Checksum)> StageAsync(string name, byte[] content)
    {
        var upload = await UploadAsync(Guid.NewGuid(), name, content);
        var downloaded = await DownloadAsync(upload);
        return (upload, downloaded, await ChecksumAsync(downloaded));
    }

    protected static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    protected static byte[] Csv(int rows)
    {
        var text = new System.Text.StringBuilder("id,name,amount,day\n");
        for (var i = 1; i <= rows; i++)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},name {i},{i * 1.25},2026-01-{i % 28 + 1:00}\n");
        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A PNG signature and an IHDR-like header, then noise: enough for detection, never decoded.</summary>
    protected static byte[] Png(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        signature.CopyTo(bytes, 0);
        return bytes;
    }
}
