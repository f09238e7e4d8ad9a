using MassTransit;
using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Tests.Support;
using SagaFiles.Contracts;
using SagaFiles.Storage;
using Shouldly;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.Consumers;

/// <summary>
/// Transient storage and transport errors are retried in process, and so are a full disk and too many open files; other
/// errors and a file that cannot be processed are not (see the fault specs). Every step runs within its budget.
/// </summary>
public class StepRetry_Specs
{
    TestStorage _storage = null!;

    [OneTimeSetUp]
    public async Task CreateBuckets() => _storage = await TestStorage.CreateAsync();

    [OneTimeTearDown]
    public void DisposeStorage() => _storage.Dispose();

    [Test]
    public async Task A_step_that_meets_a_passing_IO_error_is_retried_and_completes()
    {
        var store = new FlakyObjectStore(_storage.Store, failures: 2);
        await using var steps = await StepHarness.StartAsync(_storage, store);
        var command = await UploadAsync("a.csv");

        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, command);

        downloaded.DetectedType.ShouldBe("csv");
        store.Failed.ShouldBe(2);
    }

    [Test]
    public async Task A_step_whose_IO_errors_persist_faults_after_its_retries()
    {
        var store = new FlakyObjectStore(_storage.Store, failures: int.MaxValue);
        await using var steps = await StepHarness.StartAsync(_storage, store);
        var command = await UploadAsync("b.csv");

        var (fault, retries) = await steps.FaultAfterRetriesAsync(FileSteps.Download, command);

        var policy = FileSteps.Named(FileSteps.Download).Policy;
        retries.ShouldBe(policy.RetryIntervals.Count);
        fault.Exceptions.ShouldHaveSingleItem().ExceptionType.ShouldBe(typeof(IOException).FullName);
        store.Failed.ShouldBe((retries + 1) * (policy.RedeliveryIntervals.Count + 1),
            "every redelivery runs the in-process retries again");

        // Every retry, redelivery and the move to the error queue is logged with the file, step and attempt.
        var logged = steps.Logs.Entries.Where(e => e.Properties.TryGetValue("FileId", out var id) && Equals(id, command.FileId)).ToList();
        logged.ShouldAllBe(e => Equals(e.Properties["Step"], FileSteps.Download) && Equals(e.Properties["Attempt"], 1));
        logged.Count(e => Equals(e.Properties.GetValueOrDefault("RetryKind"), "retry")).ShouldBe(store.Failed - policy.RedeliveryIntervals.Count - 1);
        logged.Count(e => Equals(e.Properties.GetValueOrDefault("RetryKind"), "redelivery"))
            .ShouldBe(policy.RedeliveryIntervals.Count);
        logged.Where(e => e.Message.Contains("moved to the error queue", StringComparison.Ordinal)).ShouldHaveSingleItem().Level
            .ShouldBe(Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Test]
    public async Task Transient_storage_and_transport_errors_are_retried_and_the_step_completes()
    {
        var errors = new Queue<Exception>([new StorageException("Please reduce your request rate.", isTransient: true),
            new ConnectionException("Throttled", new IOException("throttled"), isTransient: true)]);
        var store = new FlakyObjectStore(_storage.Store, failures: errors.Count, errors.Dequeue);
        await using var steps = await StepHarness.StartAsync(_storage, store);

        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, await UploadAsync("c.csv"));

        downloaded.DetectedType.ShouldBe("csv");
        store.Failed.ShouldBe(2);
    }

    [Test]
    public async Task A_storage_error_that_needs_someone_to_act_faults_at_once_and_is_left_to_the_saga()
    {
        var store = new FlakyObjectStore(_storage.Store, failures: int.MaxValue, () => new StorageException("Access Denied", isTransient: false));
        await using var steps = await StepHarness.StartAsync(_storage, store);

        var (fault, retries) = await steps.FaultAfterRetriesAsync(FileSteps.Download, await UploadAsync("d.csv"));

        retries.ShouldBe(0);
        fault.Exceptions.ShouldHaveSingleItem().ExceptionType.ShouldBe(typeof(StorageException).FullName);
        PermanentFailures.IsPermanent(fault.Exceptions[0].ExceptionType).ShouldBeFalse("the saga tries the step again later");
    }

    [TestCase(28, "The worker's disk is full (ENOSPC: No space left on device); the step will be tried again.")]
    [TestCase(24, "The worker has too many files open (EMFILE: Too many open files); the step will be tried again.")]
    public async Task A_full_disk_or_too_many_open_files_is_retried_as_transient_and_faults_saying_which(int errno, string reason)
    {
        var message = errno == 28 ? "No space left on device" : "Too many open files";
        var store = new FlakyObjectStore(_storage.Store, failures: int.MaxValue, () => new IOException(message, errno));
        await using var steps = await StepHarness.StartAsync(_storage, store);
        var command = await UploadAsync("c.csv");

        var (fault, retries) = await steps.FaultAfterRetriesAsync(FileSteps.Download, command);

        retries.ShouldBe(FileSteps.Named(FileSteps.Download).Policy.RetryIntervals.Count);
        var exception = fault.Exceptions.ShouldHaveSingleItem();
        (exception.ExceptionType, exception.Message).ShouldBe((typeof(WorkerResourceException).FullName, reason));
        PermanentFailures.IsPermanent(exception.ExceptionType).ShouldBeFalse("the saga tries the attempt again");
    }

    [Test]
    public async Task A_hung_download_is_cancelled_after_MaxStepDuration_and_faults_naming_it()
    {
        var store = new FlakyObjectStore(_storage.Store, failures: int.MaxValue, hangs: true);
        await using var steps = await StepHarness.StartAsync(_storage, store, new Dictionary<string, string?> { ["Processing:MaxStepDuration"] = "00:00:01" });
        var command = await UploadAsync("d.csv");

        var fault = await steps.FaultAsync(FileSteps.Download, command);

        var exception = fault.Exceptions.ShouldHaveSingleItem();
        exception.ExceptionType.ShouldBe(typeof(InvalidFileException).FullName);
        exception.Message.ShouldContain("(limit MaxStepDuration, raise Processing:MaxStepDuration to allow more)");
    }

    async Task<DownloadFile> UploadAsync(string name)
    {
        var fileId = Guid.NewGuid();
        var key = $"uploads/{fileId}/{name}";
        await _storage.Store.PutAsync(_storage.Options.IncomingBucket, key, new MemoryStream("a,b\n1,2\n"u8.ToArray()), "text/csv");
        return new DownloadFile { FileId = fileId, Tenant = "acme", Attempt = 1, SourceBucket = _storage.Options.IncomingBucket, SourceKey = key, OriginalName = name };
    }

    /// <summary>Fails the first <paramref name="failures" /> prefix reads (the download's first request) with
    /// <paramref name="error" />, by default as a dropped connection would, or holds them until they are cancelled
    /// (<paramref name="hangs" />).</summary>
    sealed class FlakyObjectStore(IObjectStore inner, int failures, Func<Exception>? error = null, bool hangs = false) : DelegatingObjectStore(inner)
    {
        int _calls;

        public int Failed => Math.Min(_calls, failures);

        public override async Task<ObjectPrefix> ReadPrefixAsync(string bucket, string key, int bytes, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) > failures)
                return await Inner.ReadPrefixAsync(bucket, key, bytes, cancellationToken);
            if (hangs)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            throw error?.Invoke() ?? new IOException("The connection was reset.");
        }
    }
}
