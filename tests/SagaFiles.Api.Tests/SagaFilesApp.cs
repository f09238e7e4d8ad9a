using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SagaFiles.Api.Tests.Iam;
using SagaFiles.DevStack;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using SagaFiles.Api.Security;
using SagaFiles.Testing;

namespace SagaFiles.Api.Tests;

/// <summary>
/// SagaFiles as it runs: the API in-process and two worker processes, all on the test stack's Postgres and SQS/SNS/S3,
/// with their own database and queue prefix. Started once for the assembly. The hosts reach SQS/SNS/S3 through
/// <see cref="AwsRequestRecorder" />, each role with its own access key; when the run ends, every AWS action they called
/// must be allowed by that role's policy in deploy/aws/iam-policy.json.
/// </summary>
[SetUpFixture]
public sealed class SagaFilesApp : TestStackSetUpFixture
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    static readonly List<SupervisedProcess> Workers = [];
    static WebApplicationFactory<Program>? _factory;
    static AwsRequestRecorder? _recorder;

    /// <summary>Access keys of the two roles (the emulator accepts any): how the recorder tells their calls apart.</summary>
    public const string ApiAccessKey = "sagafiles-api";

    public const string WorkerAccessKey = "sagafiles-worker";

    public static HttpClient Api { get; private set; } = null!;

    /// <summary>The tenant of <see cref="Api" />'s key: the files it uploads are stored under <c>e2e/</c>.</summary>
    public const string Tenant = "e2e";

    /// <summary>The scope of this run's queues and topics (Messaging:Prefix).</summary>
    public static string MessagingPrefix { get; } = $"e2e{Guid.NewGuid():N}"[..12];

    public static IReadOnlyList<SupervisedProcess> WorkerProcesses => Workers;

    static readonly List<Uri> WorkerAddresses = [];

    /// <summary>Where each worker answers health and metrics (its own port).</summary>
    public static IReadOnlyList<Uri> WorkerUrls => WorkerAddresses;

    /// <summary>What the in-process APIs logged.</summary>
    public static CapturedLogEvents Logs { get; } = new();

    static Dictionary<string, string> _settings = [];

    /// <summary>The hosts' settings, as environment variables (the database, queues and buckets of this run).</summary>
    public static IReadOnlyDictionary<string, string> Settings => _settings;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        var connectionString = await Stack.CreateDatabaseAsync("api");
        _recorder = await AwsRequestRecorder.StartAsync(Stack.AwsServiceUrl, Tools.FreePort());
        // Buckets come from the infrastructure in production (deploy/aws): the API only creates missing ones for local use.
        using (var s3 = Stack.CreateS3Client())
        {
            foreach (var bucket in Buckets)
                await s3.PutBucketAsync(bucket);
        }

        var settings = _settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__SagaFiles"] = connectionString,
            ["AWS__ServiceURL"] = _recorder.Url.ToString(),
            ["AWS__Region"] = Stack.Region,
            ["AWS__AccessKey"] = ApiAccessKey,
            ["AWS__SecretKey"] = "test",
            ["Messaging__Prefix"] = MessagingPrefix,
            ["Messaging__ReceiveWaitSeconds"] = "2",
            ["Storage__IncomingBucket"] = Buckets[0],
            ["Storage__StagingBucket"] = Buckets[1],
            ["Storage__ProcessedBucket"] = Buckets[2],
            // Every spec shares one key: far busier than one client in normal use (StrictApi_Specs tests the limits).
            // (fifty files polled at once ask 250 times a second).
            ["RateLimits__RequestsPerSecond"] = "100000",
            ["RateLimits__RequestBurst"] = "100000",
            ["RateLimits__UploadsPerMinute"] = "100000",
            ["RateLimits__UploadBurst"] = "100000",
            ["RateLimits__ConcurrentUploads"] = "1000",
            // The database and queue gauges, read every 15 s by default: Metrics_Specs waits for them to move.
            ["Metrics__RefreshInterval"] = "00:00:02",
            // Progress_Specs sees a 16 MB file's steps report while they run.
            ["Processing__ProgressInterval"] = "00:00:00.050",
            // Small enough that the archive specs see children held back, large enough to keep two workers busy.
            ["Processing__Archives__ChildrenInFlight"] = ContentProcessing_Specs.ChildrenInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture)
        };

        // The API migrates the database and creates the buckets; workers start after it so both are there.
        _factory = NewApi(new Dictionary<string, string>());
        Api = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await HostProcess.WaitUntilReadyAsync("API", () => Api.GetAsync("/health/ready"), () => "");
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateKeyAsync(Tenant, ApiScopes.All));

        var workerSettings = new Dictionary<string, string>(settings) { ["AWS__AccessKey"] = WorkerAccessKey };
        for (var i = 1; i <= 2; i++)
        {
            var port = Tools.FreePort();
            Workers.Add(await HostProcess.StartAsync(HostProcess.Worker, $"e2e worker{i}", port, workerSettings));
            WorkerAddresses.Add(new Uri($"http://127.0.0.1:{port}"));
        }
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

    /// <summary>The in-process API (for what an HttpClient cannot do, such as a WebSocket).</summary>
    public static WebApplicationFactory<Program> Factory => _factory!;

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
        if (_recorder == null)
            return;
        await _recorder.DisposeAsync();
        AssertEveryCallIsAllowed(_recorder.Calls.ToList());
    }

    static readonly string[] Buckets = ["e2e-incoming", "e2e-staging", "e2e-processed"];

    /// <summary>How the source buckets and notification queues of bucket sources' specs begin: the policy's SOURCE_BUCKET and SOURCE_QUEUE.</summary>
    public const string SourceNames = "e2e-src-";

    /// <summary>Fails the run when a role called an AWS action its policy does not allow, naming each such call.</summary>
    static void AssertEveryCallIsAllowed(IReadOnlyCollection<AwsCall> calls)
    {
        var placeholders = new Dictionary<string, string>
        {
            ["REGION"] = AwsActions.Region, ["ACCOUNT_ID"] = AwsActions.Account, ["PREFIX"] = MessagingPrefix,
            ["INCOMING_BUCKET"] = Buckets[0], ["STAGING_BUCKET"] = Buckets[1], ["PROCESSED_BUCKET"] = Buckets[2],
            ["SOURCE_BUCKET"] = SourceNames + "*", ["SOURCE_QUEUE"] = SourceNames + "*"
        };
        var roles = new Dictionary<string, (string Role, IamPolicy Policy)>
        {
            [ApiAccessKey] = ("Api", IamPolicy.Load("Api", placeholders)),
            [WorkerAccessKey] = ("Worker", IamPolicy.Load("Worker", placeholders))
        };
        var byRole = calls.Where(c => roles.ContainsKey(c.AccessKey)).Select(c => (roles[c.AccessKey].Role, c.Action, c.Resource)).ToList();
        TestContext.Progress.WriteLine($"AWS actions the stack called ({byRole.Count} requests):");
        foreach (var group in byRole.GroupBy(c => (c.Role, c.Action)).OrderBy(g => g.Key))
            TestContext.Progress.WriteLine($"  {group.Key.Role} {group.Key.Action}: {group.Count()} requests, {group.Distinct().Count()} resources");

        var made = byRole.Distinct().ToList();

        made.ShouldNotBeEmpty("the recorder saw the hosts' AWS calls");
        var denied = made.Where(c => !roles.Values.Single(r => r.Role == c.Role).Policy.Allows(c.Action, c.Resource)).ToList();
        denied.ShouldBeEmpty($"every AWS call is allowed by its role's policy in {IamPolicy.PolicyFile}");
    }
}
