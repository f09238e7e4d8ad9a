using SagaFiles.Processing.IO;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SagaFiles.Sources.Folders;

/// <summary>
/// One watched folder: a <see cref="FileSystemWatcher" /> for what happens now and a listing every
/// <see cref="FolderSourceOptions.RescanInterval" /> for what it missed (watchers drop events when their buffer overflows),
/// feeding <see cref="SettledFiles" />; each complete file goes to the <see cref="FolderLedger" />, which also moves on the
/// files whose outcome is known.
/// </summary>
sealed class FolderSource(FolderSourceOptions folder, IServiceScopeFactory scopes, TimeProvider clock, ILogger logger)
{
    /// <summary>How often complete files and outcomes are looked for, at most (sooner when the watcher reports something).</summary>
    static readonly TimeSpan MaxTick = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var events = Channel.CreateUnbounded<(string Path, bool Renamed)>();
        using var watcher = new FileSystemWatcher(folder.Path)
        {
            IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite
        };
        watcher.Created += (_, e) => events.Writer.TryWrite((e.FullPath, false));
        watcher.Changed += (_, e) => events.Writer.TryWrite((e.FullPath, false));
        watcher.Renamed += (_, e) => events.Writer.TryWrite((e.FullPath, true));
        watcher.EnableRaisingEvents = true;

        var files = new SettledFiles(folder.StableFor);
        var tick = folder.StableFor < MaxTick ? folder.StableFor : MaxTick;
        var nextListing = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                if (now >= nextListing)
                {
                    foreach (var path in Directory.EnumerateFiles(folder.Path))
                        files.Observe(path, renamed: false);
                    nextListing = now + folder.RescanInterval;
                }

                while (events.Reader.TryRead(out var seen))
                    files.Observe(seen.Path, seen.Renamed);
                await PassAsync(files, now, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database, storage or the folder is away for a moment: the next pass tries again (the ledger keeps the place).
                logger.LogWarning(e, "Folder {Folder}: a pass failed; trying again", folder.Path);
                await Task.Delay(MaxTick, clock, stoppingToken);
            }

            try
            {
                await events.Reader.WaitToReadAsync(stoppingToken).AsTask().WaitAsync(tick, clock, stoppingToken);
            }
            catch (TimeoutException)
            {
                // Nothing reported: look again at the files being written and the outcomes.
            }
        }
    }

    async Task PassAsync(SettledFiles files, DateTimeOffset now, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<FolderLedger>();
        foreach (var version in files.Settled(now))
            if (await ledger.TakeAsync(folder, version, stoppingToken))
                files.Forget(version.Path);
        await ledger.SettleAsync(folder, stoppingToken);
    }
}
