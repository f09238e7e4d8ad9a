using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SagaFiles.DevStack;
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
        await HostProcess.WaitUntilReadyAsync("API", () => Api.GetAsync("/health/ready"), () => "");

        for (var i = 1; i <= 2; i++)
            Workers.Add(await HostProcess.StartAsync(HostProcess.Worker, $"e2e worker{i}", Tools.FreePort(), settings));
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
}
