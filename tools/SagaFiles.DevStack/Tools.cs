using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SagaFiles.DevStack;

/// <summary>Process helpers and locations of the repository's scripts and tools.</summary>
public static partial class Tools
{
    static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The directory holding SagaFiles.sln, found by walking up from the test assembly.</summary>
    public static string RepositoryRoot => Root.Value;

    public static string Script(string name) => Path.Combine(RepositoryRoot, "scripts", name);

    public static string ToolsDirectory => Path.Combine(RepositoryRoot, ".tools");

    public static bool IsRoot => OperatingSystem.IsLinux() && NativeMethods.geteuid() == 0;

    static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SagaFiles.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"SagaFiles.sln not found above {AppContext.BaseDirectory}.");
    }

    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }

    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs a command to completion, capturing stdout and stderr together; kills it on timeout (TimeoutException).</summary>
    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken ct,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s.\n{Tail(output.ToString())}");
        }

        lock (output)
            return new Result(process.ExitCode, output.ToString());

        void Append(string? line)
        {
            if (line == null)
                return;
            lock (output)
                output.AppendLine(line);
        }
    }

    /// <summary>The last lines of a text, for exception messages.</summary>
    public static string Tail(string text, int lines = 40)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>A TCP port free right now (another process may still take it before it is bound).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when something accepts connections on 127.0.0.1:<paramref name="port" />.</summary>
    public static bool PortTaken(int port)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException e) when (e.InnerException is SocketException)
        {
            return false;
        }
    }

    public static void SendSignal(int pid, int signal) => _ = NativeMethods.kill(pid, signal);

    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern uint geteuid();

        [DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int sig);
    }
}
