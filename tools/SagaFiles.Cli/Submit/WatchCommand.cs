using System.Collections.Concurrent;
using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using SagaFiles.Processing.IO;
using Spectre.Console;

namespace SagaFiles.Cli.Submit;

/// <summary>
/// <c>sagafiles watch DIR</c>: a watched folder on the client's side of a running stack. Each file of DIR is sent once
/// completely written (as the API's own folder sources decide it: <see cref="SettledFiles" />), followed to its outcome
/// and moved to <c>processed/</c> or <c>failed/</c> beside it, its results into <c>--out</c> when given. Its
/// Idempotency-Key comes from the file's path, size and time, so a run stopped and started again gets the same file
/// back from the stack instead of a second one. Runs until stopped (Ctrl-C).
/// </summary>
static class WatchCommand
{
    public const string Usage = "Usage: sagafiles watch DIR [--out DIR] [--stable-for SECONDS] [--tag KEY=VALUE]... [--url URL] [--key-file FILE]";

    public static Command Create(TextWriter output, TextWriter error, HttpMessageHandler? handler)
    {
        var folder = new Argument<string>("DIR") { Description = "The folder to watch (its own files, not those in folders below it)." };
        var outOption = new Option<string?>("--out", "-o") { Description = "Where results are written (none: they stay in the stack)." };
        var stableFor = new Option<double>("--stable-for")
        {
            Description = "Seconds a file's size and time must stay unchanged before it is sent (one renamed into DIR goes at once).",
            DefaultValueFactory = _ => 5
        };
        var stack = new SubmitCommand.StackOptions();
        var command = new Command("watch", "Send each file written into DIR to a running stack once complete, then move it to processed/ or failed/.")
        {
            folder, outOption, stableFor
        };
        stack.AddTo(command);
        command.SetAction(async (result, token) =>
        {
            var directory = result.GetValue(folder)!;
            var stable = result.GetValue(stableFor);
            if (!Directory.Exists(directory) || stable is < 0.1 or > 86_400)
            {
                await SubmitCommand.UsageAsync(error, Usage, Directory.Exists(directory)
                    ? "--stable-for must be between 0.1 and 86400 seconds."
                    : $"{directory}: no such folder.");
                return Program.UsageError;
            }

            var settings = await stack.SettingsAsync(result, result.GetValue(outOption), error, Usage);
            return settings is null
                ? Program.UsageError
                : await SubmitCommand.ConnectAsync(settings, handler,
                    client => WatchAsync(Path.GetFullPath(directory), TimeSpan.FromSeconds(stable), settings, client, output, token));
        });
        return command;
    }

    static async Task<int> WatchAsync(string directory, TimeSpan stableFor, SubmitCommand.Settings settings, StackClient client, TextWriter output,
        CancellationToken stop)
    {
        var console = Program.ConsoleOn(output);
        var renamed = new ConcurrentQueue<string>();
        using var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName };
        watcher.Renamed += (_, e) => renamed.Enqueue(e.FullPath);
        watcher.EnableRaisingEvents = true;
        console.MarkupLine($"watching {Markup.Escape(directory)} (Ctrl-C stops)");

        var files = new SettledFiles(stableFor);
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        var tick = stableFor < TimeSpan.FromSeconds(1) ? stableFor : TimeSpan.FromSeconds(1);
        while (!stop.IsCancellationRequested)
        {
            foreach (var (path, _) in running.Where(r => r.Value.IsCompleted).ToList())
                running.Remove(path);
            // Listed every tick: a client watches one folder, and a listing also catches what the watcher misses.
            foreach (var path in Directory.EnumerateFiles(directory).Where(p => !running.ContainsKey(p)))
                files.Observe(path, renamed: false);
            while (renamed.TryDequeue(out var path))
                files.Observe(path, renamed: true);
            foreach (var version in files.Settled(DateTimeOffset.UtcNow))
            {
                files.Forget(version.Path);
                running[version.Path] = TakeAsync(directory, version, settings, client, console, stop);
            }

            try
            {
                await Task.Delay(tick, stop);
            }
            catch (OperationCanceledException)
            {
                // Stopped: a file still on its way stays where it is, and the next run gets it back by its key.
            }
        }

        await Task.WhenAll(running.Values);
        return Program.Succeeded;
    }

    static async Task TakeAsync(string directory, FileVersion version, SubmitCommand.Settings settings, StackClient client,
        IAnsiConsole console, CancellationToken stop)
    {
        var submission = new SubmitCommand.Submission(version.Path, settings.Folder);
        var key = "watch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{version.Path}|{version.Size}|{version.ModifiedAt.UtcTicks}")))[..40];
        try
        {
            await SubmitCommand.SendAsync(submission, settings, client, key, stop);
            if (submission is { Error: null, Id: { } id })
                await submission.Guard(() => SubmitCommand.FollowAsync(submission, id, client, claimed: null, stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }

        // Moved once it has an outcome, and only while it is still the version sent (a file written again meanwhile is a
        // new one, sent next). One the stack did not take (unreachable, or refused) stays, and is sent again.
        var target = Path.Combine(directory, submission.Error is null ? "processed" : "failed", Path.GetFileName(version.Path));
        if (submission.Outcome is not null && FileVersion.Of(version.Path) == version && !File.Exists(target))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(version.Path, target);
        }

        lock (console)
            SubmitCommand.Print(console, submission, settings.Folder is not null);
    }
}
