using System.Diagnostics;
using System.Globalization;
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
    const int MaxFleetCrashes = 3;
    static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(180);

    static readonly Dictionary<string, string> Settings = new()
    {
        ["FileSaga__StepTimeout"] = "00:00:15",
        ["FileSaga__StepTimeoutSweepInterval"] = "00:00:01",
        ["FileSaga__FirstRetryDelay"] = "00:00:01",
        // Timeouts count as attempts: enough of them that no file runs out while workers keep dying.
        ["FileSaga__MaxAttempts"] = "20",
        // A worker holds up to ten download commands and works on one: what it holds beyond that it has not started.
        [$"Steps__{FileSteps.Download}__ConcurrentMessageLimit"] = DownloadsAtOnce.ToString(CultureInfo.InvariantCulture),
        [$"Steps__{FileSteps.Download}__PrefetchCount"] = "10",
    };

    const int Workers = 2;
    const int DownloadsAtOnce = 1;

    [Test]
    public async Task Every_file_completes_exactly_once_while_workers_are_killed_and_postgres_restarts()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await SagaFilesProcesses.StartAsync("chaos", Workers, Settings);
        var started = clock.Elapsed;

        var chaos = KillWorkersAsync(app, clock);
        var uploads = UploadSpacedAsync(app, chaos);
        var (kills, postgresRestartedAt, fleetCrash) = await chaos;
        var chaosEnded = clock.Elapsed;
        var ids = await uploads;

        var states = await WaitUntilSettledAsync(app, ids.Count);
        var settled = clock.Elapsed;

        // The files table: exactly these files, all Completed: no saga left in a non-final state, none Failed.
        states.Keys.ShouldBe(ids, ignoreOrder: true);
        states.Where(s => s.Value != FileStates.Completed).ShouldBeEmpty();

        // The API says the same.
        var files = await Task.WhenAll(ids.Select(id => app.GetAsync(id)));
        files.Where(f => f.GetProperty("status").GetString() != nameof(FileStatus.Completed)).Select(f => f.ToString()).ShouldBeEmpty();

        // Exactly one output object per file, under {tenant}/processed/{date}/{id}/.
        var keys = await app.ProcessedKeysAsync();
        keys.Count.ShouldBe(ids.Count, string.Join('\n', keys));
        foreach (var id in ids)
            keys.Count(k => k.Contains($"/{id}/", StringComparison.Ordinal)).ShouldBe(1, $"output objects of {id}");

        // Each history completes once, as its last entry; retried attempts show with their reason.
        var histories = await Task.WhenAll(ids.Select(async id =>
            (await app.GetAsync(id, "/events")).GetProperty("events").EnumerateArray().ToList()));
        histories.ShouldAllBe(h => h.Count(e => e.GetProperty("to").GetString() == FileStates.Completed) == 1 && h.Last().GetProperty("to").GetString() == FileStates.Completed);
        var retries = histories.Select(h => h.Select(RetryReason).OfType<string>().ToList()).ToList();
        var timedOut = retries.Count(r => r.Any(reason => reason.StartsWith(TimedOutReason, StringComparison.Ordinal)));
        await TestContext.Progress.WriteLineAsync(
            $"Chaos: hosts ready after {started.TotalSeconds:0.0} s; {ids.Count} files; {kills} workers killed (both at once at " +
            $"{fleetCrash.At.TotalSeconds:0.0} s, holding {fleetCrash.Held} download commands), Postgres restarted at {postgresRestartedAt.TotalSeconds:0.0} s; " +
            $"chaos over at {chaosEnded.TotalSeconds:0.0} s, all settled at {settled.TotalSeconds:0.0} s; " +
            $"{retries.Count(r => r.Count > 0)} files retried a step: {string.Join("; ", retries.SelectMany(r => r).GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}"))}");

        // Step commands held when both workers died were abandoned: such attempts timed out and were sent again.
        timedOut.ShouldBeGreaterThan(0);
    }

    static TimeSpan StepTimeout => TimeSpan.Parse(Settings["FileSaga__StepTimeout"], CultureInfo.InvariantCulture);

    static string TimedOutReason => $"No answer within {StepTimeout}.";

    /// <summary>Uploads files one by one, spaced out: at least <see cref="FileCount" />, and on until the chaos is over.</summary>
    static async Task<List<Guid>> UploadSpacedAsync(SagaFilesProcesses app, Task chaos)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < FileCount || !chaos.IsCompleted; i++)
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
    /// their connections mid-flight. Then kill both workers at a moment when they hold download commands they have not
    /// started: those attempts are certainly abandoned, so the ones still current must time out and be sent again
    /// (StepTimeout is shorter than the 30 s in which SQS would hand the held commands out again).
    /// </summary>
    static async Task<(int Kills, TimeSpan PostgresRestartedAt, (TimeSpan At, int Held) FleetCrash)> KillWorkersAsync(
        SagaFilesProcesses app, Stopwatch clock)
    {
        var kills = 0;
        var postgresRestartedAt = TimeSpan.Zero;
        Task[] replacements = [Task.CompletedTask, Task.CompletedTask];
        while (kills < FleetCrashAfterKill)
        {
            await Task.Delay(KillInterval);
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

        // An unstarted command may also be a stale attempt (one that timed out before and was sent again), whose abandonment
        // times nothing out: then both workers are killed that way again.
        (TimeSpan At, int Held) fleetCrash = default;
        for (var crash = 1; ; crash++)
        {
            await Task.WhenAll(replacements);
            var held = await FreezeWorkersHoldingUnstartedDownloadsAsync(app);
            var timedOutBefore = await app.TimedOutAttemptsAsync();
            await Task.WhenAll(app.CrashWorkerAsync(0), app.CrashWorkerAsync(1));
            kills += 2;
            fleetCrash = (clock.Elapsed, held);
            replacements = [app.StartWorkerAsync(0), app.StartWorkerAsync(1)];
            if (await MoreTimedOutAttemptsSeenAsync(app, timedOutBefore))
                break;
            if (crash == MaxFleetCrashes)
                Assert.Fail($"{crash} times both workers were killed holding download commands they had not started, and no more attempts timed out.");
        }

        await Task.WhenAll(replacements);
        return (kills, postgresRestartedAt, fleetCrash);
    }

    /// <summary>
    /// Whether more attempts than <paramref name="before" /> have timed out, over the files' histories, by the time an attempt
    /// abandoned now would certainly have timed out: its StepTimeout, plus the workers' start and the sweeper's round, with
    /// room to spare.
    /// </summary>
    static async Task<bool> MoreTimedOutAttemptsSeenAsync(SagaFilesProcesses app, int before)
    {
        var deadline = DateTime.UtcNow + StepTimeout + TimeSpan.FromSeconds(30 + 15);
        while (DateTime.UtcNow < deadline)
        {
            if (await app.TimedOutAttemptsAsync() > before)
                return true;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return false;
    }

    /// <summary>
    /// Stops both workers (SIGSTOP) at a moment when they hold more download commands than they work on at once, and
    /// returns how many they hold, still stopped: at least one of those they have not started, so its attempt is certainly
    /// unanswered and a kill abandons it. Such moments come after a backlog: while both are stopped the API's uploads
    /// pile up, and once they go on the saga sends a burst of downloads, which they take ten at a time.
    /// </summary>
    static async Task<int> FreezeWorkersHoldingUnstartedDownloadsAsync(SagaFilesProcesses app)
    {
        const int started = Workers * DownloadsAtOnce;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            for (var worker = 0; worker < Workers; worker++)
                app.FreezeWorker(worker);
            var held = await app.StepCommandsHeldAsync(FileSteps.Download);
            if (held > started)
                return held;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"For 60 s the workers never held more than {started} download commands while files kept arriving.");

            await Task.Delay(TimeSpan.FromSeconds(2)); // the backlog builds
            for (var worker = 0; worker < Workers; worker++)
                app.FreezeWorker(worker, frozen: false);
            var burstOver = DateTime.UtcNow.AddSeconds(2);
            while (DateTime.UtcNow < burstOver && await app.StepCommandsHeldAsync(FileSteps.Download) <= started)
                await Task.Delay(10);
        }
    }

    static async Task<Dictionary<Guid, string>> WaitUntilSettledAsync(SagaFilesProcesses app, int fileCount)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var states = await app.FileStatesAsync();
            if (states.Count >= fileCount && states.Values.All(s => s is FileStates.Completed or FileStates.Failed))
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
