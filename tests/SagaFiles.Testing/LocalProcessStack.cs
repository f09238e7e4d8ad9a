using System.Globalization;
using SagaFiles.DevStack;

namespace SagaFiles.Testing;

/// <summary>
/// The local stack's <see cref="ProcessStack" /> (the one <c>./sagafiles up</c> runs) on free ports, fast rather than
/// durable, in a fresh temporary directory that is deleted again afterwards.
/// </summary>
sealed class LocalProcessStack : IAsyncDisposable
{
    const string DirectoryPrefix = "sagafiles-stack-";
    const string OwnerFile = "owner.pid";

    string? _directory;

    public ProcessStack? Services { get; private set; }

    public async Task StartAsync(bool aws, bool postgres, CancellationToken ct)
    {
        RemoveStaleDirectories();
        _directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        if (!OperatingSystem.IsWindows()) // created private (0700): the postgres user must reach its data directory inside
            File.SetUnixFileMode(_directory, File.GetUnixFileMode(_directory) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await File.WriteAllTextAsync(Path.Combine(_directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        Services = new ProcessStack(new ProcessStackOptions(_directory) { Aws = aws, Postgres = postgres });
        await Services.StartAsync(ct);
    }

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

    public async ValueTask DisposeAsync()
    {
        if (Services != null)
            await Services.DisposeAsync();
        if (_directory == null)
            return;
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
