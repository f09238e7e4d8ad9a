using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SagaFiles.Testing;

namespace SagaFiles.Chaos.Tests;

/// <summary>
/// Crash safety: files keep arriving while workers are SIGKILLed every few seconds and Postgres restarts once, and
/// every file still ends Completed exactly once. What a killed worker held comes back one of two ways: its received
/// messages become visible again after the queue's visibility timeout (30 s), and its unanswered step attempts time out
/// after FileSaga:StepTimeout (short here, 15 s) and are sent again as the next attempt, which the history records.
/// </summary>
public class CrashSafety_Specs
{
    const int FileCount = 100;
    const int PassThroughEvery = 10; // every tenth file is not a CSV and passes through unchanged
    static readonly TimeSpan UploadSpacing = TimeSpan.FromMilliseconds(350); // ~35 s of arrivals: files are in flight at every kill
    static readonly TimeSpan KillInterval = TimeSpan.FromSeconds(3);
    const int PostgresRestartAfterKill = 3;
    const int FleetCrashAfterKill = 5;
    static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(180);

    static readonly Dictionary<string, string> Settings = new()
    {
        ["FileSaga__StepTimeout"] = "00:00:15",
        ["FileSaga__FirstRetryDelay"] = "00:00:01",
        // Timeouts count as attempts: enough of them that no file runs out while workers keep dying.
        ["FileSaga__MaxAttempts"] = "20",
    };

    [Test]
    public async Task Every_file_completes_exactly_once_while_workers_are_killed_and_postgres_restarts()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await SagaFilesProcesses.StartAsync("chaos", workers: 2, Settings);
        var started = clock.Elapsed;

        var uploads = UploadSpacedAsync(app);
        var chaos = KillWorkersAsync(app, uploads, clock);
        var ids = await uploads;
        var (kills, postgresRestartedAt, heldAtFleetCrash) = await chaos;
        var chaosEnded = clock.Elapsed;

        var states = await WaitUntilSettledAsync(app);
        var settled = clock.Elapsed;

        // The files table: exactly these files, all Completed: no saga left in a non-final state, none Failed.
        states.Keys.ShouldBe(ids, ignoreOrder: true);
        states.Where(s => s.Value != FileStates.Completed).ShouldBeEmpty();

        // The API says the same.
        var files = await Task.WhenAll(ids.Select(id => app.GetAsync(id)));
        files.Where(f => f.GetProperty("status").GetString() != nameof(FileStatus.Completed)).Select(f => f.ToString()).ShouldBeEmpty();

        // Exactly one output object per file, under {tenant}/processed/{date}/{id}/.
        var keys = await app.ProcessedKeysAsync();
        keys.Count.ShouldBe(FileCount, string.Join('\n', keys));
        foreach (var id in ids)
            keys.Count(k => k.Contains($"/{id}/", StringComparison.Ordinal)).ShouldBe(1, $"output objects of {id}");

        // Each history completes once, as its last entry; retried attempts show with their reason.
        var histories = await Task.WhenAll(ids.Select(async id =>
            (await app.GetAsync(id, "/events")).GetProperty("events").EnumerateArray().ToList()));
        histories.ShouldAllBe(h => h.Count(e => e.GetProperty("to").GetString() == FileStates.Completed) == 1 && h.Last().GetProperty("to").GetString() == FileStates.Completed);
        var retries = histories.Select(h => h.Select(RetryReason).OfType<string>().ToList()).ToList();
        var retried = retries.Count(r => r.Count > 0);
        await TestContext.Progress.WriteLineAsync(
            $"Chaos: hosts ready after {started.TotalSeconds:0.0} s; {kills} workers killed (both at once holding {heldAtFleetCrash} step commands), " +
            $"Postgres restarted at {postgresRestartedAt.TotalSeconds:0.0} s; " +
            $"chaos over at {chaosEnded.TotalSeconds:0.0} s, all {FileCount} settled at {settled.TotalSeconds:0.0} s; " +
            $"{retried} files retried a step: {string.Join("; ", retries.SelectMany(r => r).GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}"))}");

        // The step commands held when both workers died were abandoned; each such attempt timed out and was sent again.
        heldAtFleetCrash.ShouldBeGreaterThan(0);
        retried.ShouldBeGreaterThan(0);
    }

    /// <summary>Uploads the files one by one, spaced out.</summary>
    static async Task<List<Guid>> UploadSpacedAsync(SagaFilesProcesses app)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < FileCount; i++)
        {
            var (content, name) = i % PassThroughEvery == 0
                ? (Encoding.UTF8.GetBytes($"note {i}\nnot a table\n"), $"note-{i}.txt")
                : (Encoding.UTF8.GetBytes($"n,square,label\n{i},{i * i},file {i}\n{i + 1},{(i + 1) * (i + 1)},next\n"), $"chaos-{i}.csv");
            ids.Add(await app.UploadAsync(content, name));
            await Task.Delay(UploadSpacing);
        }

        return ids;
    }

    /// <summary>
    /// While files arrive: every few seconds SIGKILL a worker (the two in turn, each once its replacement is up) and start
    /// a new one in the background; once, right after a kill, restart Postgres, so the API and the surviving worker lose
    /// their connections mid-flight. Once, kill both workers at a moment when they hold step commands (received, not yet
    /// deleted): those attempts are then certainly abandoned, so their files' histories must show a timed-out attempt
    /// sent again (StepTimeout is shorter than the 30 s in which SQS would hand the held command out again).
    /// </summary>
    static async Task<(int Kills, TimeSpan PostgresRestartedAt, int HeldAtFleetCrash)> KillWorkersAsync(SagaFilesProcesses app, Task uploads, Stopwatch clock)
    {
        var kills = 0;
        var postgresRestartedAt = TimeSpan.Zero;
        var heldAtFleetCrash = 0;
        Task[] replacements = [Task.CompletedTask, Task.CompletedTask];
        while (!uploads.IsCompleted || kills < FleetCrashAfterKill)
        {
            await Task.Delay(KillInterval);
            if (kills == FleetCrashAfterKill)
            {
                await Task.WhenAll(replacements);
                heldAtFleetCrash = await WaitForHeldStepCommandsAsync(app);
                await Task.WhenAll(app.CrashWorkerAsync(0), app.CrashWorkerAsync(1));
                kills += 2;
                replacements = [app.StartWorkerAsync(0), app.StartWorkerAsync(1)];
                continue;
            }

            var victim = kills % 2;
            await replacements[victim];
            await app.CrashWorkerAsync(victim);
            kills++;
            if (kills == PostgresRestartAfterKill)
            {
                await TestStackSetUpFixture.Stack.RestartPostgresAsync();
                postgresRestartedAt = clock.Elapsed;
            }

            replacements[victim] = app.StartWorkerAsync(victim);
        }

        await Task.WhenAll(replacements);
        return (kills, postgresRestartedAt, heldAtFleetCrash);
    }

    /// <summary>Polls the step queues until some command is held by a worker; returns how many are.</summary>
    static async Task<int> WaitForHeldStepCommandsAsync(SagaFilesProcesses app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var held = await app.StepCommandsHeldAsync();
            if (held > 0)
                return held;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("No step command was held by a worker for 30 s while files kept arriving.");
            await Task.Delay(50);
        }
    }

    static async Task<Dictionary<Guid, string>> WaitUntilSettledAsync(SagaFilesProcesses app)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var states = await app.FileStatesAsync();
            if (states.Count >= FileCount && states.Values.All(s => s is FileStates.Completed or FileStates.Failed))
                return states;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not settled within {SettleTimeout.TotalSeconds:0} s after the chaos: " +
                            string.Join(", ", states.GroupBy(s => s.Value).Select(g => $"{g.Count()} {g.Key}")));
            await Task.Delay(500);
        }
    }

    /// <summary>The reason of a history entry that retried its step: "No answer within 00:00:15. (retrying: attempt 2 now)" -> "No answer within 00:00:15.".</summary>
    static string? RetryReason(JsonElement entry)
    {
        var error = entry.TryGetProperty("error", out var value) ? value.GetString() : null;
        var retrying = error?.IndexOf(" (retrying: attempt", StringComparison.Ordinal) ?? -1;
        return retrying < 0 ? null : error![..retrying];
    }
}
