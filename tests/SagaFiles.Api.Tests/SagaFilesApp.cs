using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SagaFiles.Testing;

namespace SagaFiles.Api.Tests;

/// <summary>
/// SagaFiles as it runs: the API in-process and two worker processes, all on the test stack's Postgres and SQS/SNS/S3,
/// with their own database and queue prefix. Started once for the assembly.
/// </summary>
[SetUpFixture]
public sealed class SagaFilesApp : TestStackSetUpFixture
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    static readonly List<SupervisedProcess> Workers = [];
    static WebApplicationFactory<Program>? _factory;

    public static HttpClient Api { get; private set; } = null!;

    /// <summary>The scope of this run's queues and topics (Messaging:Prefix).</summary>
    public static string MessagingPrefix { get; } = $"e2e{Guid.NewGuid():N}"[..12];

    public static IReadOnlyList<SupervisedProcess> WorkerProcesses => Workers;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        var connectionString = await Stack.CreateDatabaseAsync("api");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__SagaFiles"] = connectionString,
            ["AWS__ServiceURL"] = Stack.AwsServiceUrl.ToString(),
            ["AWS__Region"] = Stack.Region,
            ["AWS__AccessKey"] = "test",
            ["AWS__SecretKey"] = "test",
            ["Messaging__Prefix"] = MessagingPrefix,
            ["Messaging__ReceiveWaitSeconds"] = "2",
            ["Storage__IncomingBucket"] = "e2e-incoming",
            ["Storage__StagingBucket"] = "e2e-staging",
            ["Storage__ProcessedBucket"] = "e2e-processed"
        };

        // The API migrates the database and creates the buckets; workers start after it so both are there.
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in settings)
                host.UseSetting(key.Replace("__", ":"), value);
        });
        Api = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await WaitUntilReady("API", () => Api.GetAsync("/health/ready"), () => "");

        for (var i = 1; i <= 2; i++)
            Workers.Add(await StartWorker(i, settings));
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        foreach (var worker in Workers)
            await worker.DisposeAsync();
        Api?.Dispose();
        if (_factory != null)
            await _factory.DisposeAsync();
    }

    static async Task<SupervisedProcess> StartWorker(int number, Dictionary<string, string> settings)
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(Tools.RepositoryRoot, "src", "SagaFiles.Worker", "bin", configuration, "net10.0", "SagaFiles.Worker.dll");
        var log = Path.Combine(Path.GetTempPath(), $"sagafiles-e2e-worker{number}-{Environment.ProcessId}.log");
        var worker = SupervisedProcess.Start($"worker {number}", log, "dotnet", [dll], environment);

        using var http = new HttpClient();
        await WaitUntilReady($"worker {number}", () =>
        {
            if (worker.HasExited)
                throw new InvalidOperationException($"Worker {number} exited.\n{worker.Describe()}");
            return http.GetAsync($"http://127.0.0.1:{port}/health/ready");
        }, worker.Describe);
        return worker;
    }

    /// <summary>Waits for /health/ready to answer 200: the database, the bus endpoints and storage all answer.</summary>
    static async Task WaitUntilReady(string what, Func<Task<HttpResponseMessage>> probe, Func<string> describe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var response = await probe();
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The {what} was not ready within 60 s ({last}).\n{describe()}");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
