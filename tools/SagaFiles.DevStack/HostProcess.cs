namespace SagaFiles.DevStack;

/// <summary>
/// A SagaFiles host (the worker, the API) as a separate process, supervised like the stack's services, so that a test
/// can run several and kill them: the published ReadyToRun host in <see cref="HostsDirectoryVariable" /> when set
/// (./sagafiles up sets it, scripts/hosts.sh publishes there), else the build of the calling assembly's configuration
/// (Debug for tests). A test project references the host's project (<c>ReferenceOutputAssembly="false"</c>) so that it
/// is built first.
/// </summary>
public static class HostProcess
{
    public const string Worker = "SagaFiles.Worker";
    public const string Api = "SagaFiles.Api";

    /// <summary>A folder with a published host in a subfolder named after its project (scripts/hosts.sh).</summary>
    public const string HostsDirectoryVariable = "SAGAFILES_HOSTS_DIR";

    /// <summary>
    /// Starts <paramref name="project" /> (<see cref="Worker" /> or <see cref="Api" />) listening on
    /// http://127.0.0.1:<paramref name="port" />, with <paramref name="settings" /> as environment variables, and waits
    /// until its /health/ready answers 200. Its output goes to <paramref name="logPath" />, by default
    /// sagafiles-{name}-{this process's pid}.log in the temp directory (appended, so a host restarted under the same name
    /// continues the same log). It gets 30 s to stop: its bus waits for SQS long polls (up to 20 s).
    /// </summary>
    public static async Task<SupervisedProcess> StartAsync(string project, string name, int port, IReadOnlyDictionary<string, string> settings,
        string? logPath = null)
    {
        var environment = new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        var dll = Dll(project);
        var log = logPath ?? Path.Combine(Path.GetTempPath(), $"sagafiles-{name.Replace(' ', '-')}-{Environment.ProcessId}.log");
        // The project folder is the content root, as with `dotnet run`: the host reads its appsettings.json there.
        var worker = SupervisedProcess.Start(name, log, "dotnet", [dll], environment, Path.Combine(Tools.RepositoryRoot, "src", project), graceSeconds: 30);

        using var http = new HttpClient();
        await WaitUntilReadyAsync(name, () =>
        {
            if (worker.HasExited)
                throw new InvalidOperationException($"The {name} exited.\n{worker.Describe()}");
            return http.GetAsync($"http://127.0.0.1:{port}/health/ready");
        }, worker.Describe);
        return worker;
    }

    /// <summary>
    /// A new API key's secret, made by the API's <c>keys create</c> command against the database in <paramref name="settings" />
    /// (as <c>./sagafiles keys create</c> does).
    /// </summary>
    public static async Task<string> CreateApiKeyAsync(IReadOnlyDictionary<string, string> settings, string tenant, string scopes, string name = "test")
    {
        var result = await RunKeysCommandAsync(settings, ["create", "--name", name, "--tenant", tenant, "--scopes", scopes]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"keys create failed ({result.ExitCode}):\n{result.Output}");
        return result.Output.TrimEnd().Split('\n')[^1];
    }

    /// <summary>
    /// The API's <c>keys</c> command with <paramref name="arguments" /> (after <c>keys</c>), against the database in
    /// <paramref name="settings" />. It gets 3 minutes: its start and migration check took over 60 s on two cores shared by
    /// several test runs.
    /// </summary>
    public static Task<Tools.Result> RunKeysCommandAsync(IReadOnlyDictionary<string, string> settings, IEnumerable<string> arguments) =>
        RunApiCommandAsync(settings, ["keys", .. arguments]);

    /// <summary>The API run as a command (<c>keys ...</c>, <c>migrate</c>) against the database in <paramref name="settings" />.</summary>
    public static Task<Tools.Result> RunApiCommandAsync(IReadOnlyDictionary<string, string> settings, IEnumerable<string> arguments) =>
        Tools.RunAsync("dotnet", [Dll(Api), .. arguments], TimeSpan.FromMinutes(3), CancellationToken.None, environment: settings);

    static string Dll(string project)
    {
        var published = Environment.GetEnvironmentVariable(HostsDirectoryVariable);
        if (!string.IsNullOrEmpty(published))
            return Path.Combine(published, project, project + ".dll");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        return Path.Combine(Tools.RepositoryRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
    }

    /// <summary>Waits for a /health/ready probe to answer 200: the database, the bus endpoints and storage all answer.</summary>
    public static async Task WaitUntilReadyAsync(string what, Func<Task<HttpResponseMessage>> probe, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + StackDefaults.ReadyTimeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await probe();
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

        throw new TimeoutException($"The {what} was not ready within {StackDefaults.ReadyTimeout.TotalSeconds:0} s ({last}).\n{describe()}");
    }
}
