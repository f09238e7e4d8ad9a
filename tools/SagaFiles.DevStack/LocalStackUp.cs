using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using SagaFiles.Storage;

namespace SagaFiles.DevStack;

/// <summary>
/// What <c>./sagafiles up</c> runs: Postgres and SQS/SNS/S3 (a <see cref="ProcessStack" /> under the state directory, or
/// docker-compose.yml where a Docker engine answers), the buckets, then the API and the workers (Release builds). Once all
/// answer it writes stack.env (mode and ports) and waits; when stopped, or when any process exits, it stops the hosts
/// first (their bus deletes its temporary queue on stop: SQS must still answer), then the infrastructure.
/// </summary>
public sealed class LocalStackUp(string stateDirectory)
{
    readonly List<SupervisedProcess> _hosts = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();
    ProcessStack? _processes;
    bool _docker;

    string StateFile => Path.Combine(stateDirectory, "stack.env");

    static void Say(string message) => Console.WriteLine($"sagafiles: {message}");

    /// <summary>Runs the stack until <paramref name="stopping" /> is cancelled (0) or a process exits or fails to start (1).</summary>
    public async Task<int> RunAsync(CancellationToken stopping)
    {
        File.Delete(StateFile);
        try
        {
            var watch = await StartAsync(stopping);
            var exited = await WaitForAnExitAsync(watch, stopping);
            if (exited is null)
                return 0;
            Say($"{exited.Name} stopped (log: {exited.LogPath}); stopping the rest");
            return 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or AmazonServiceException)
        {
            await Console.Error.WriteLineAsync($"sagafiles: {e.Message}");
            return 1;
        }
        finally
        {
            await StopAsync();
        }
    }

    async Task<IReadOnlyList<SupervisedProcess>> StartAsync(CancellationToken ct)
    {
        var apiPort = StackDefaults.ApiPort;
        var workerPorts = StackDefaults.WorkerPorts;
        foreach (var port in workerPorts.Prepend(apiPort).Where(Tools.PortTaken))
            throw new InvalidOperationException($"port {port} is taken (API {apiPort}, workers {string.Join('/', workerPorts)}; SAGAFILES_API_PORT and SAGAFILES_WORKER_PORTS=A,B choose others): ./sagafiles status, or stop what uses it");

        var logs = Path.Combine(stateDirectory, "logs");
        Directory.CreateDirectory(logs);
        _docker = await DockerEngine.IsAvailableAsync(ct);
        int postgresPort, awsPort;
        if (_docker)
        {
            (postgresPort, awsPort) = (StackDefaults.PostgresPort, StackDefaults.AwsPort);
            foreach (var port in new[] { postgresPort, awsPort }.Where(Tools.PortTaken))
                throw new InvalidOperationException($"port {port} is taken: docker-compose.yml publishes PostgreSQL and LocalStack on {postgresPort} and {awsPort}");
            Say($"infrastructure: docker compose (LocalStack {StackDefaults.LocalStackImage}, {StackDefaults.PostgresImage})");
            await DockerEngine.ComposeAsync(["up", "-d", "--wait"], ct);
        }
        else
        {
            Say("infrastructure: processes (fauxqs, PostgreSQL)");
            _processes = new ProcessStack(new ProcessStackOptions(stateDirectory)
            {
                PostgresPort = StackDefaults.PostgresPort, AwsPort = StackDefaults.AwsPort, Durable = true, Database = StackDefaults.Database,
            });
            await _processes.StartAsync(ct);
            (postgresPort, awsPort) = (_processes.PostgresPort!.Value, _processes.AwsServiceUrl!.Port);
        }

        var awsUrl = new Uri($"http://127.0.0.1:{awsPort}/");
        await CreateBucketsAsync(awsUrl, ct);
        Say($"infrastructure up in {_clock.Elapsed.TotalSeconds:0} s (Postgres :{postgresPort}, SQS/SNS/S3 :{awsPort})");

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__SagaFiles"] = StackDefaults.PostgresConnectionString(postgresPort, StackDefaults.Database),
            ["AWS__ServiceURL"] = awsUrl.ToString(),
            ["AWS__Region"] = StackDefaults.Region,
            ["AWS__AccessKey"] = StackDefaults.AccessKey,
            ["AWS__SecretKey"] = StackDefaults.SecretKey,
            ["Messaging__Prefix"] = "",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        // The API migrates the database first; the workers start once it has.
        _hosts.Add(await HostProcess.StartAsync(HostProcess.Api, "api", apiPort, settings, Path.Combine(logs, "api.log")));
        var workers = workerPorts.Select((port, i) =>
            HostProcess.StartAsync(HostProcess.Worker, $"worker-{i + 1}", port, settings, Path.Combine(logs, $"worker-{i + 1}.log")));
        foreach (var started in await Task.WhenAll(workers))
            _hosts.Add(started);

        await File.WriteAllTextAsync(StateFile, string.Join('\n',
            $"MODE={(_docker ? "docker" : "processes")}",
            $"PG_PORT={postgresPort}",
            $"AWS_PORT={awsPort}",
            $"API_PORT={apiPort}",
            $"WORKER_PORTS={string.Join(',', workerPorts)}",
            $"BUCKETS=\"{string.Join(' ', new StorageOptions().Buckets)}\"",
            "") , ct);
        Say($"stack up in {_clock.Elapsed.TotalSeconds:0} s");
        return [.. _hosts, .. _processes?.Processes ?? []];
    }

    /// <summary>The buckets of <see cref="StorageOptions" />' defaults (the API would create them too, but the workers' readiness needs them first).</summary>
    static async Task CreateBucketsAsync(Uri awsUrl, CancellationToken ct)
    {
        using var s3 = S3ClientFactory.Create(StackDefaults.Region, awsUrl, new BasicAWSCredentials(StackDefaults.AccessKey, StackDefaults.SecretKey));
        foreach (var bucket in new StorageOptions().Buckets)
        {
            try
            {
                await s3.PutBucketAsync(bucket, ct);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
            }
        }
    }

    /// <summary>Null once <paramref name="stopping" /> is cancelled; else the first process that exited.</summary>
    static async Task<SupervisedProcess?> WaitForAnExitAsync(IReadOnlyList<SupervisedProcess> processes, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
                return exited;
            await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return null;
    }

    async Task StopAsync()
    {
        var stopped = new List<string>();
        await Task.WhenAll(_hosts.Select(h => h.DisposeAsync().AsTask()));
        stopped.AddRange(_hosts.Select(h => h.Name));
        if (_processes != null)
        {
            stopped.AddRange(_processes.Processes.Select(p => p.Name));
            await _processes.DisposeAsync();
        }

        if (_docker)
        {
            Say("docker compose down");
            await DockerEngine.ComposeAsync(["down"], CancellationToken.None);
        }

        if (stopped.Count > 0)
            Say($"stopped {string.Join(' ', stopped)}");
    }
}
