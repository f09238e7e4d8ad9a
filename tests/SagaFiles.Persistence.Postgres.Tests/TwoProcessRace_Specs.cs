using System.Diagnostics;
using System.Reflection;

namespace SagaFiles.Persistence.Postgres.Tests;

/// <summary>
/// Two OS processes (the RaceDriver console, each with its own bus) update the same saga row: only optimistic concurrency
/// plus retry protects it across processes, since MassTransit's partitioner is per process.
/// </summary>
[TestFixture]
public class TwoProcessRace_Specs
{
    const int EventsPerProcess = 100;
    string _connectionString = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _connectionString = await SampleDatabase.CreateAsync("two_process_race");

    [Test]
    public async Task Two_processes_racing_events_for_one_saga_lose_no_update()
    {
        var driver = typeof(TwoProcessRace_Specs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(x => x.Key == "RaceDriverPath").Value!;
        File.Exists(driver).ShouldBeTrue($"RaceDriver not built at {driver}");

        var counterId = NewId.NextGuid();
        var racers = new[] { Racer.Start(driver, _connectionString, counterId, EventsPerProcess), Racer.Start(driver, _connectionString, counterId, EventsPerProcess) };
        try
        {
            await Task.WhenAll(racers.Select(x => x.WaitForLine("ready", TimeSpan.FromSeconds(60))));

            // both publish at the same moment
            foreach (var racer in racers)
                await racer.Go();

            await Task.WhenAll(racers.Select(x => x.WaitForExit(TimeSpan.FromMinutes(3))));

            foreach (var racer in racers)
            {
                await TestContext.Out.WriteLineAsync($"racer {racer.Id}: exit {racer.ExitCode}, {racer.Summary}");
                racer.ExitCode.ShouldBe(0, racer.Output);
            }
        }
        finally
        {
            foreach (var racer in racers)
                racer.Dispose();
        }

        await using var db = SampleDatabase.Open(_connectionString);
        var counter = await db.Counters.AsNoTracking().SingleAsync(x => x.CorrelationId == counterId);
        counter.Count.ShouldBe(2 * EventsPerProcess);
    }

    sealed class Racer : IDisposable
    {
        readonly Process _process;
        readonly List<string> _lines = [];
        readonly Lock _lock = new();
        readonly List<(string Line, TaskCompletionSource Signal)> _waiters = [];

        Racer(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Received(e.Data);
            _process.ErrorDataReceived += (_, e) => Received(e.Data is null ? null : "stderr: " + e.Data);
        }

        public int Id => _process.Id;

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_lock)
                    return string.Join(Environment.NewLine, _lines);
            }
        }

        public string Summary
        {
            get
            {
                lock (_lock)
                    return _lines.LastOrDefault(x => x.StartsWith("done", StringComparison.Ordinal)) ?? "(no summary)";
            }
        }

        public static Racer Start(string driver, string connectionString, Guid counterId, int count)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false
            };
            start.ArgumentList.Add(driver);
            start.ArgumentList.Add(connectionString);
            start.ArgumentList.Add(counterId.ToString());
            start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var racer = new Racer(new Process { StartInfo = start });
            racer._process.Start();
            racer._process.BeginOutputReadLine();
            racer._process.BeginErrorReadLine();
            return racer;
        }

        public async Task WaitForLine(string line, TimeSpan timeout)
        {
            TaskCompletionSource signal;
            lock (_lock)
            {
                if (_lines.Contains(line))
                    return;
                signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((line, signal));
            }

            try
            {
                await signal.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"racer {Id} did not print '{line}' within {timeout}:{Environment.NewLine}{Output}");
            }
        }

        public async Task Go()
        {
            await _process.StandardInput.WriteLineAsync("go");
            await _process.StandardInput.FlushAsync();
        }

        public async Task WaitForExit(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"racer {Id} did not finish within {timeout}:{Environment.NewLine}{Output}");
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        void Received(string? line)
        {
            if (line is null)
                return;

            lock (_lock)
            {
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(x => x.Line == line).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }
}
