namespace SagaFiles.Processing;

/// <summary>
/// A scratch file that the OS deletes when it is closed, on every path (success, failure, cancellation), in a folder of
/// this process's own, so that what a killed worker left behind is found by the next one to start (<see cref="RemoveLeftovers" />,
/// which the worker calls at start-up).
/// </summary>
public static class TempFile
{
    const int BufferSize = 1024 * 1024;
    const string FolderPrefix = "sagafiles-worker-";

    /// <summary>A new scratch file for <paramref name="purpose" /> of the file <paramref name="fileId" />.</summary>
    public static FileStream Create(Guid fileId, string purpose) => Create($"{fileId:N}-{purpose}");

    /// <summary>A new scratch file for <paramref name="purpose" />, which names it.</summary>
    public static FileStream Create(string purpose)
    {
        var folder = Directory.CreateDirectory(FolderOf(Environment.ProcessId)).FullName;
        return new FileStream(Path.Combine(folder, $"{purpose}-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    /// <summary>Deletes the folders of worker processes that no longer run (Linux: no /proc/{pid}); returns how many.</summary>
    public static int RemoveLeftovers()
    {
        if (!Directory.Exists("/proc/self"))
            return 0; // without /proc a live process cannot be told from a dead one
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(folder)[FolderPrefix.Length..], out var pid) || Directory.Exists($"/proc/{pid}"))
                continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (IOException)
            {
                // Another worker starting at the same time removed it first.
            }
        }

        return removed;
    }

    public static string FolderOf(int processId) => Path.Combine(Path.GetTempPath(), FolderPrefix + processId);
}
