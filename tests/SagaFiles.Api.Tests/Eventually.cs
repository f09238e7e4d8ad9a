using System.Diagnostics;

namespace SagaFiles.Api.Tests;

/// <summary>Waiting for what a background service (a folder or bucket source) does in its own time.</summary>
static class Eventually
{
    /// <summary>
    /// Reads until <paramref name="done" /> holds, every 200 ms for at most <paramref name="seconds" />; then fails with the last
    /// value and the last lines the APIs logged that contain <paramref name="logsAbout" />.
    /// </summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds, string logsAbout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                throw new TimeoutException($"Not {what} after {seconds} s: {value}\n" +
                                           string.Join("\n", SagaFilesApp.Logs.Lines.Where(l => l.Contains(logsAbout)).TakeLast(8)));
            await Task.Delay(200);
        }
    }
}
