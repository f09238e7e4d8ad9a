using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.S3.Model;
using Npgsql;
using SagaFiles.DevStack;
using SagaFiles.Testing;

namespace SagaFiles.Chaos.Tests;

/// <summary>
/// SagaFiles with every host a process of its own, as in production: the API and some workers, on the test stack, with
/// their own database, queue prefix and buckets. A worker can be killed (SIGKILL) and started again.
/// </summary>
sealed class SagaFilesProcesses : IAsyncDisposable
{

    readonly string _name;
    readonly Dictionary<string, string> _settings;
    readonly SupervisedProcess?[] _workers;
    readonly int[] _workerPorts;
    SupervisedProcess? _api;

    SagaFilesProcesses(string name, Dictionary<string, string> settings, int workers)
    {
        _name = name;
        _settings = settings;
        _workers = new SupervisedProcess?[workers];
        _workerPorts = new int[workers];
    }

    static TestStack Stack => TestStackSetUpFixture.Stack;

    public HttpClient Api { get; } = new();

    public string ConnectionString => _settings["ConnectionStrings__SagaFiles"];

    public string ProcessedBucket => _settings["Storage__ProcessedBucket"];

    /// <summary>Starts the API (it migrates the database and creates the buckets), then the workers.</summary>
    /// <param name="settings">Host settings on top of the stack's (environment variable names, e.g. <c>FileSaga__MaxAttempts</c>).</param>
    public static async Task<SagaFilesProcesses> StartAsync(string name, int workers, IReadOnlyDictionary<string, string> settings)
    {
        var all = await Stack.HostSettingsAsync(name);
        foreach (var (key, value) in settings)
            all[key] = value;

        var app = new SagaFilesProcesses(name, all, workers);
        try
        {
            var port = Tools.FreePort();
            app._api = await HostProcess.StartAsync(HostProcess.Api, $"{name} api", port, all);
            app.Api.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            app.Api.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Bearer", await HostProcess.CreateApiKeyAsync(all, "chaos", "files:write,files:read"));
            for (var i = 0; i < workers; i++)
                await app.StartWorkerAsync(i);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts worker <paramref name="index" /> (again, after <see cref="CrashWorkerAsync" />); returns once it is ready.</summary>
    public async Task StartWorkerAsync(int index)
    {
        _workerPorts[index] = Tools.FreePort();
        _workers[index] = await HostProcess.StartAsync(HostProcess.Worker, $"{_name} worker{index + 1}", _workerPorts[index], _settings);
    }

    /// <summary>Worker <paramref name="index" />'s own address (its health endpoints).</summary>
    public Uri WorkerUrl(int index) => new($"http://127.0.0.1:{_workerPorts[index]}/");

    /// <summary>SIGKILLs worker <paramref name="index" />: whatever it held (received messages, open transactions) is abandoned.</summary>
    public async Task CrashWorkerAsync(int index)
    {
        var worker = _workers[index] ?? throw new InvalidOperationException($"Worker {index + 1} is not running.");
        _workers[index] = null;
        await worker.CrashAsync();
        await worker.DisposeAsync();
    }

    /// <summary>Stops worker <paramref name="index" /> where it stands (SIGSTOP), or lets it go on (<paramref name="frozen" /> false).</summary>
    public void FreezeWorker(int index, bool frozen = true) =>
        (_workers[index] ?? throw new InvalidOperationException($"Worker {index + 1} is not running.")).Freeze(frozen);

    /// <summary>
    /// Uploads a file through the API and returns its id. A request that fails (the API's database restarting) is sent
    /// again with the same Idempotency-Key, so that it still makes exactly one file.
    /// </summary>
    public async Task<Guid> UploadAsync(byte[] content, string name)
    {
        var idempotencyKey = Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Post, "files") { Content = new MultipartFormDataContent { { file, "file", name } } };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            try
            {
                using var response = await Api.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                if ((int)response.StatusCode < 500 || DateTime.UtcNow > deadline)
                    Assert.Fail($"Upload of {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(500);
        }
    }

    /// <summary>GET /files/{id}{path} as JSON.</summary>
    public async Task<JsonElement> GetAsync(Guid id, string path = "") => await Api.GetFromJsonAsync<JsonElement>($"files/{id}{path}");

    /// <summary>Polls the API until the file is Completed or Failed (and <paramref name="also" /> holds, when given).</summary>
    public async Task<JsonElement> WaitUntilSettledAsync(Guid id, TimeSpan timeout, Func<JsonElement, bool>? also = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var file = await GetAsync(id);
            if (file.GetProperty("status").GetString() is nameof(FileStatus.Completed) or nameof(FileStatus.Failed) && (also == null || also(file)))
                return file;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"File {id} did not settle within {timeout.TotalSeconds:0} s: {file}");
            await Task.Delay(250);
        }
    }

    /// <summary>One row per file: its id and saga state, straight from the <c>files</c> table.</summary>
    public async Task<Dictionary<Guid, string>> FileStatesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT correlation_id, current_state FROM files", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
            states[reader.GetGuid(0)] = reader.GetString(1);
        return states;
    }

    /// <summary>Step attempts that went unanswered and timed out, over every file's history (a file may show several).</summary>
    public async Task<int> TimedOutAttemptsAsync()
    {
        const string timedOut = "No answer within";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT coalesce(sum((length(history::text) - length(replace(history::text, '{timedOut}', ''))) / {timedOut.Length}), 0) FROM files",
            connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Commands of <paramref name="step" /> received by some worker and not yet deleted or released (SQS: not visible).</summary>
    public async Task<int> StepCommandsHeldAsync(string step)
    {
        using var sqs = Stack.CreateSqsClient();
        var url = (await sqs.GetQueueUrlAsync($"{_settings["Messaging__Prefix"]}_{FileSteps.Named(step).Queue}")).QueueUrl;
        var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessagesNotVisible;
    }

    /// <summary>Every key in the processed bucket.</summary>
    public async Task<List<string>> ProcessedKeysAsync()
    {
        using var s3 = Stack.CreateS3Client();
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = ProcessedBucket };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);

        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            if (worker != null)
                await worker.DisposeAsync();
        }

        if (_api != null)
            await _api.DisposeAsync();
        Api.Dispose();
    }
}
