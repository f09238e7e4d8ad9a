using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Data;

namespace SagaFiles.Api.Tests;

/// <summary>
/// Sources:Folders end to end: API instances watching a temp folder, the workers, Postgres (the ledger, folder_files)
/// and the emulator. Instances are stopped and started again in the middle, as a deployment would.
/// </summary>
public class FolderSource_Specs
{
    string _folder = "";
    string _results = "";

    [SetUp]
    public void CreateFolders()
    {
        _folder = Directory.CreateTempSubdirectory("sagafiles-watched-").FullName;
        _results = Path.Combine(Directory.GetParent(_folder)!.FullName, Path.GetFileName(_folder) + "-results");
    }

    [TearDown]
    public void DeleteFolders()
    {
        Directory.Delete(_folder, recursive: true);
        if (Directory.Exists(_results))
            Directory.Delete(_results, recursive: true);
    }

    /// <summary>An API instance watching the folder (complete after 1 s unchanged, listed every second), started.</summary>
    WebApplicationFactory<Program> Watching()
    {
        var api = SagaFilesApp.NewApi(new Dictionary<string, string>
        {
            ["Sources:Folders:0:Path"] = _folder,
            ["Sources:Folders:0:Tenant"] = SagaFilesApp.Tenant,
            ["Sources:Folders:0:Tags:source"] = "folder",
            ["Sources:Folders:0:StableFor"] = "00:00:01",
            ["Sources:Folders:0:RescanInterval"] = "00:00:01",
            ["Sources:Folders:0:ResultsPath"] = _results
        });
        _ = api.Services; // starts the host and its hosted services
        return api;
    }

    static async Task<List<FolderFile>> Ledger(string path)
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().FolderFiles.AsNoTracking().Where(f => f.Path == path).ToListAsync();
    }

    static async Task<int> FilesNamed(string name)
    {
        await using var scope = SagaFilesApp.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SagaFilesDbContext>().Files.CountAsync(f => f.OriginalName == name);
    }

    static Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 60) =>
        Api.Tests.Eventually.Until(read, done, what, seconds, logsAbout: "Folder");

    [Test]
    public async Task A_file_being_written_is_left_then_taken_once_complete_across_restarts_and_moved_to_processed_with_its_results()
    {
        var name = $"orders-{Guid.NewGuid():N}.csv";
        var path = Path.Combine(_folder, name);
        var api = Watching();
        await using (var writing = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        {
            writing.Write("id,amount\n"u8);
            // Written on for 4 s, a line every 300 ms: never unchanged for the 1 s the folder waits.
            for (var i = 0; i < 13; i++)
            {
                writing.Write(Encoding.ASCII.GetBytes($"{i},{i * 2.5}\n"));
                await writing.FlushAsync();
                await Task.Delay(300);
            }

            (await Ledger(path)).ShouldBeEmpty("a file still being written is not taken");
            // Restarted while the file is still open.
            await api.DisposeAsync();
            writing.Write("13,32.5\n"u8);
        }

        api = Watching();
        await Eventually(() => Ledger(path), rows => rows.Count > 0, "taken");
        // Restarted again as soon as the file is in the ledger (submitted, maybe settled, maybe not moved yet).
        await api.DisposeAsync();
        await using var restarted = Watching();

        var processed = Path.Combine(_folder, "processed", name);
        await Eventually(async () => (File.Exists(processed), string.Join("; ", (await Ledger(path)).Select(r => $"{r.Status} {r.FileId} {r.Error}"))),
            moved => moved.Item1, "moved to processed/", seconds: 90);
        var rows = await Eventually(() => Ledger(path), r => r.All(x => x.Status == FolderFileStatus.Completed), "recorded Completed");
        rows.Count.ShouldBe(1, "one version, one ledger row");
        (await FilesNamed(name)).ShouldBe(1, "taken once across three instances");
        File.Exists(path).ShouldBeFalse();
        rows[0].MovedTo.ShouldBe(processed);
        var file = await Files.Get(rows[0].FileId!.Value);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        file.GetProperty("tags").GetProperty("source").GetString().ShouldBe("folder");
        file.GetProperty("size").GetInt64().ShouldBe(new FileInfo(processed).Length);
        var parquet = Path.Combine(_results, Path.ChangeExtension(name, ".parquet"));
        File.Exists(parquet).ShouldBeTrue("the result is written into the results folder");
        (await File.ReadAllBytesAsync(parquet)).ShouldBe(await Files.Download(rows[0].FileId!.Value, "result"));
    }

    [Test]
    public async Task A_file_that_cannot_be_read_is_recorded_failed_with_the_reason_and_names_writers_use_are_left_alone()
    {
        var gone = Path.Combine(_folder, "gone.csv");
        // A listed name whose content is gone: a link to a file that does not exist.
        File.CreateSymbolicLink(gone, Path.Combine(_folder, "nowhere", "deleted.csv"));
        string[] ignored = ["upload.csv.part", "upload.csv.tmp", "~lock.csv", ".hidden.csv"];
        foreach (var name in ignored)
            await File.WriteAllTextAsync(Path.Combine(_folder, name), "a\n1\n");

        await using var api = Watching();

        var rows = await Eventually(() => Ledger(gone), r => r.Any(x => x.Status == FolderFileStatus.Failed), "recorded Failed");
        rows.Count.ShouldBe(1);
        rows[0].Error.ShouldBe("The file vanished before it could be read.");
        rows[0].FileId.ShouldBeNull();
        rows[0].MovedTo.ShouldBe(Path.Combine(_folder, "failed", "gone.csv"));
        // Another pass or two over the same folder: the ignored files are still there, untouched and unrecorded.
        await Task.Delay(2500);
        foreach (var name in ignored)
        {
            File.Exists(Path.Combine(_folder, name)).ShouldBeTrue(name);
            (await Ledger(Path.Combine(_folder, name))).ShouldBeEmpty(name);
        }
    }

    [Test]
    public async Task A_folder_source_with_a_relative_path_stops_the_api_at_start_naming_the_setting()
    {
        await using var api = SagaFilesApp.NewApi(new Dictionary<string, string> { ["Sources:Folders:0:Path"] = "incoming" });

        var failure = Should.Throw<OptionsValidationException>(() => api.Services);

        failure.Message.ShouldContain("Sources:Folders:0:Path 'incoming' must be an absolute path to an existing folder.");
    }
}
