using System.Diagnostics;

namespace SagaFiles.DevStack;

/// <summary>
/// A child process run under scripts/run-supervised.sh with this process as its parent: the wrapper puts it in its own
/// process group and kills that group when this process disappears (even by SIGKILL) or when the wrapper gets
/// SIGTERM (<see cref="DisposeAsync" />). Output goes to a log file whose tail ends up in start-up errors.
/// </summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;
    readonly Lock _logSync = new();

    readonly int _graceSeconds;

    SupervisedProcess(string name, string logPath, Process process, StreamWriter log, int graceSeconds)
    {
        _graceSeconds = graceSeconds;
        Name = name;
        LogPath = logPath;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="stopSignal">What the wrapper sends the group on stop (TERM; INT for PostgreSQL's fast shutdown).</param>
    /// <param name="graceSeconds">How long the group may take to stop before it is killed.</param>
    public static SupervisedProcess Start(string name, string logPath, string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string stopSignal = "TERM", int graceSeconds = 10)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Tools.RepositoryRoot,
        };
        info.ArgumentList.Add(Tools.Script("run-supervised.sh"));
        info.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["SUPERVISED_STOP_SIGNAL"] = stopSignal;
        info.Environment["SUPERVISED_GRACE_SECONDS"] = graceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (environment != null)
        {
            foreach (var (key, value) in environment)
                info.Environment[key] = value;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"# {DateTime.UtcNow:O} {fileName} {string.Join(' ', arguments)}");
        var process = new Process { StartInfo = info };
        var supervised = new SupervisedProcess(name, logPath, process, log, graceSeconds);
        process.OutputDataReceived += (_, e) => supervised.Write(e.Data);
        process.ErrorDataReceived += (_, e) => supervised.Write(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return supervised;
    }

    void Write(string? line)
    {
        if (line == null)
            return;
        lock (_logSync)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return Tools.Tail(reader.ReadToEnd(), lines);
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    /// <summary>
    /// Kills the supervised command itself with SIGKILL, as a crash or the OOM killer would: no shutdown code runs, its
    /// held messages and connections are simply gone. The wrapper sees it die and exits; waits for that.
    /// </summary>
    public async Task CrashAsync()
    {
        var command = CommandProcessId() ?? throw new InvalidOperationException($"{Name} has no running command to kill.\n{Describe()}");
        Tools.SendSignal(command, Tools.SigKill);
        if (!await WaitForExitAsync(TimeSpan.FromSeconds(_graceSeconds + 5)))
            throw new TimeoutException($"{Name}'s wrapper did not exit after its command was killed.\n{Describe()}");
    }

    /// <summary>
    /// Stops the supervised command in its tracks (SIGSTOP) or lets it go on (SIGCONT, <paramref name="frozen" /> false): while
    /// it is stopped it finishes nothing it started, so what it holds at that moment stays unfinished if it is then crashed.
    /// </summary>
    public void Freeze(bool frozen = true)
    {
        var command = CommandProcessId() ?? throw new InvalidOperationException($"{Name} has no running command to signal.\n{Describe()}");
        Tools.SendSignal(command, frozen ? Tools.SigStop : Tools.SigCont);
    }

    /// <summary>The wrapper's child: the command, which setsid(1) execs in place (its pid is its process group id).</summary>
    int? CommandProcessId()
    {
        if (_process.HasExited)
            return null;
        var children = File.ReadAllText($"/proc/{_process.Id}/task/{_process.Id}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pid => int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        // The wrapper also forks short-lived `sleep`s while it polls; the command is the one leading its own group.
        return children.Cast<int?>().FirstOrDefault(pid => ProcessGroupOf(pid!.Value) == pid);
    }

    static int? ProcessGroupOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised comm: state, ppid, pgrp, ...
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    public string Describe() => $"--- last lines of {Name}'s log ({LogPath}) ---\n{LogTail()}\n--- end of log ---";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                Tools.SendSignal(_process.Id, Tools.SigTerm); // the wrapper stops the whole group, then exits
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(_graceSeconds + 5)))
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        finally
        {
            lock (_logSync)
                _log.Dispose();
            _process.Dispose();
        }
    }

    /// <summary>Waits for the exit and the end of its output (a stray grandchild holding the pipe must not hang us).</summary>
    async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
