using System.Collections.Concurrent;
using System.Diagnostics;
using SagaFiles.Transport.AmazonSqs.TestWorker;

namespace SagaFiles.Transport.AmazonSqs.Tests.Support;

/// <summary>A TestWorker in its own OS process: started, waited for until its bus runs, and stopped (or killed) again.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    WorkerProcess(Process process)
    {
        _process = process;
    }

    public ConcurrentQueue<string> Output { get; } = new();

    public int Id => _process.Id;

    public static async Task<WorkerProcess> StartAsync(Uri serviceUrl, string scope, int concurrency = 10)
    {
        var dll = typeof(WorkItem).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (var argument in new[] { dll, serviceUrl.ToString(), scope, concurrency.ToString() })
            start.ArgumentList.Add(argument);

        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        _ = worker._process.WaitForExitAsync().ContinueWith(_ =>
            worker._ready.TrySetException(new InvalidOperationException($"Worker exited early:\n{string.Join('\n', worker.Output)}")));

        await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    void OnLine(string? line)
    {
        if (line == null)
            return;
        Output.Enqueue(line);
        if (line == "ready")
            _ready.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
