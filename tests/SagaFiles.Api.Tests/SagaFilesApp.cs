using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SagaFiles.DevStack;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using SagaFiles.Api.Security;
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

    /// <summary>The tenant of <see cref="Api" />'s key: the files it uploads are stored under <c>e2e/</c>.</summary>
    public const string Tenant = "e2e";

    /// <summary>The scope of this run's queues and topics (Messaging:Prefix).</summary>
    public static string MessagingPrefix { get; } = $"e2e{Guid.NewGuid():N}"[..12];

    public static IReadOnlyList<SupervisedProcess> WorkerProcesses => Workers;

    /// <summary>What the in-process APIs logged.</summary>
    public static CapturedLogEvents Logs { get; } = new();

    static Dictionary<string, string> _settings = [];

    [OneTimeSetUp]
    public async Task StartApp()
    {
        var connectionString = await Stack.CreateDatabaseAsync("api");
        var settings = _settings = new Dictionary<string, string>
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
            ["Storage__ProcessedBucket"] = "e2e-processed",
            // Every spec shares one key: far busier than one client in normal use (StrictApi_Specs tests the limits).
            // (fifty files polled at once ask 250 times a second).
            ["RateLimits__RequestsPerSecond"] = "100000",
            ["RateLimits__RequestBurst"] = "100000",
            ["RateLimits__UploadsPerMinute"] = "100000",
            ["RateLimits__UploadBurst"] = "100000",
            ["RateLimits__ConcurrentUploads"] = "1000"
        };

        // The API migrates the database and creates the buckets; workers start after it so both are there.
        _factory = NewApi(new Dictionary<string, string>());
        Api = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await HostProcess.WaitUntilReadyAsync("API", () => Api.GetAsync("/health/ready"), () => "");
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateKeyAsync(Tenant, ApiScopes.All));

        for (var i = 1; i <= 2; i++)
            Workers.Add(await HostProcess.StartAsync(HostProcess.Worker, $"e2e worker{i}", Tools.FreePort(), settings));
    }

    /// <summary>
    /// Another in-process API on the same database, queues and buckets, with <paramref name="overrides" /> on top of the
    /// settings (configuration keys, e.g. <c>RateLimits:RequestBurst</c>). Its logs go to <see cref="Logs" /> too.
    /// </summary>
    public static WebApplicationFactory<Program> NewApi(IReadOnlyDictionary<string, string> overrides, Action<IServiceCollection>? services = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in _settings)
                host.UseSetting(key.Replace("__", ":"), value);
            foreach (var (key, value) in overrides)
                host.UseSetting(key, value);
            host.ConfigureTestServices(s =>
            {
                s.AddSingleton<ILogEventSink>(Logs);
                services?.Invoke(s);
            });
        });

    /// <summary>A new API key's secret (created as <c>POST /admin/keys</c> would, straight in the API's database).</summary>
    public static async Task<string> CreateKeyAsync(string tenant, IReadOnlyCollection<string> scopes, string name = "e2e")
    {
        await using var scope = _factory!.Services.CreateAsyncScope();
        var (_, secret) = await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().CreateAsync(name, tenant, scopes, CancellationToken.None);
        return secret;
    }

    /// <summary>A client of the in-process API (or of <paramref name="api" />) sending <paramref name="secret" /> (none when null).</summary>
    public static HttpClient ClientWith(string? secret, WebApplicationFactory<Program>? api = null)
    {
        var client = (api ?? _factory!).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (secret != null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>The in-process API's services (its database, the key store).</summary>
    public static IServiceProvider Services => _factory!.Services;

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
