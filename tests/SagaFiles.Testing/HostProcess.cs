namespace SagaFiles.Testing;

/// <summary>
/// A SagaFiles host (the worker, the API) as a separate process, the build of the test assembly's configuration,
/// supervised like the stack's services, so that a test can run several and kill them. The test project references
/// the host's project (<c>ReferenceOutputAssembly="false"</c>) so that it is built first.
/// </summary>
public static class HostProcess
{
    public const string Worker = "SagaFiles.Worker";
    public const string Api = "SagaFiles.Api";

    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts <paramref name="project" /> (<see cref="Worker" /> or <see cref="Api" />) listening on
    /// http://127.0.0.1:<paramref name="port" />, with <paramref name="settings" /> as environment variables, and waits
    /// until its /health/ready answers 200. Its output goes to sagafiles-{name}-{test host pid}.log in the temp directory
    /// (appended, so a host restarted under the same name continues the same log).
    /// </summary>
    public static async Task<SupervisedProcess> StartAsync(string project, string name, int port, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(settings) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(Tools.RepositoryRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
        var log = Path.Combine(Path.GetTempPath(), $"sagafiles-{name.Replace(' ', '-')}-{Environment.ProcessId}.log");
        var worker = SupervisedProcess.Start(name, log, "dotnet", [dll], environment);

        using var http = new HttpClient();
        await WaitUntilReadyAsync(name, () =>
        {
            if (worker.HasExited)
                throw new InvalidOperationException($"The {name} exited.\n{worker.Describe()}");
            return http.GetAsync($"http://127.0.0.1:{port}/health/ready");
        }, worker.Describe);
        return worker;
    }

    /// <summary>Waits for a /health/ready probe to answer 200: the database, the bus endpoints and storage all answer.</summary>
    public static async Task WaitUntilReadyAsync(string what, Func<Task<HttpResponseMessage>> probe, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
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

        throw new TimeoutException($"The {what} was not ready within {ReadyTimeout.TotalSeconds:0} s ({last}).\n{describe()}");
    }
}
