namespace SagaFiles.DevStack;

/// <summary>Cancels when a process is gone, however it ended (as scripts/run-supervised.sh watches its parent).</summary>
static class OwnerWatch
{
    public static async Task StopWhenGoneAsync(int pid, CancellationTokenSource stop)
    {
        var started = StartTime(pid);
        while (started != null && !stop.IsCancellationRequested && StartTime(pid) == started) // the start time tells a reused pid apart
            await Task.Delay(500);
        await stop.CancelAsync();
    }

    /// <summary>Field 22 of /proc/PID/stat (after the parenthesised command name), or null once the process is gone.</summary>
    static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
