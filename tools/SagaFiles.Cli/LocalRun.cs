using SagaFiles.Processing;
using SagaFiles.Processing.Archives;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Hashing;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Routing;

namespace SagaFiles.Cli;

/// <summary>
/// Runs files through the worker's steps in one process: detection, SHA-256, routing and the routed processor
/// (<see cref="ProcessorSelector" />), with the worker's default limits. A file's results go into the output folder; an
/// archive's entries are processed as files of their own under <c>OUT/&lt;archive&gt;/&lt;entry path&gt;</c>, each with
/// its share of the archive's limits, as the worker does with child files.
/// </summary>
sealed class LocalRun(ProcessorSelector selector, string outputDirectory)
{
    static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    // Every path written in this run: two inputs that would write the same result fail instead of overwriting.
    readonly HashSet<string> _written = new(StringComparer.Ordinal);

    // The stream being read and what is done with it, for a progress bar polled from another thread.
    volatile Stream? _current;
    volatile string _phase = "";

    /// <summary>What the run is doing now (detecting, sha256, the processor's name) and how far into its input it is.</summary>
    public (string Phase, long Done, long Total)? Progress
    {
        get
        {
            try
            {
                return _current is { } stream ? (_phase, stream.Position, stream.Length) : null;
            }
            catch (ObjectDisposedException)
            {
                // Finished between the check and the read: no progress to show.
                return null;
            }
        }
    }

    /// <summary>The file and, for an archive, its entries after it (in archive order); failures are reported, not thrown.</summary>
    public async Task<IReadOnlyList<FileReport>> ProcessAsync(string path, CancellationToken cancellationToken)
    {
        var reports = new List<FileReport>();
        var name = FileNames.Sanitize(Path.GetFileName(path));
        try
        {
            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            // Refused as the worker's download step refuses it, before detection and checksum.
            if (InputChecks.Refusal(content.Length) is { } refusal)
            {
                reports.Add(FileReport.Failed(name, refusal));
                return reports;
            }

            try
            {
                await ProcessAsync(content, name, name, outputDirectory, 0, null, reports, cancellationToken);
            }
            finally
            {
                _current = null;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            reports.Add(FileReport.Failed(path, e is FileNotFoundException or DirectoryNotFoundException ? "The file does not exist." : e.Message));
        }

        return reports;
    }

    async Task ProcessAsync(Stream content, string name, string displayName, string folder, int depth, ArchiveShare? share,
        List<FileReport> reports, CancellationToken cancellationToken)
    {
        (_current, _phase) = (content, "detecting");
        var type = await FileTypeDetector.DetectAsync(content, name, cancellationToken);
        content.Position = 0;
        _phase = "sha256";
        var checksum = await Sha256.ComputeAsync(content, cancellationToken);
        content.Position = 0;
        var (route, processor) = selector.Choose(type, NoTags);
        _phase = route;
        var report = new FileReport(displayName, type.Name, type.Category, route, checksum.Hex, checksum.Length);
        reports.Add(report);

        try
        {
            await RunAsync(content, name, displayName, folder, depth, share, type, processor, report, reports, cancellationToken);
        }
        catch (Exception e) when (e is ConversionException or IOException or UnauthorizedAccessException)
        {
            // As in the worker, a failed conversion keeps none of its results (FolderOutputs deletes them).
            report.Error = e.Message;
        }
    }

    async Task RunAsync(Stream content, string name, string displayName, string folder, int depth, ArchiveShare? share,
        DetectedFileType type, IFileProcessor? processor, FileReport report, List<FileReport> reports, CancellationToken cancellationToken)
    {
        if (processor is null)
        {
            // Pass-through: the original is the result, as the worker publishes it.
            var target = Claim(folder, name);
            await using (var copy = Create(target))
                await content.CopyToAsync(copy, cancellationToken);
            report.Outputs.Add(new OutputReport(name, target, "original", null, report.Size ?? 0));
            return;
        }

        await using var outputs = new FolderOutputs(this, folder);
        var outcome = await processor.ProcessAsync(new ProcessingInput(content, name, type, depth, share), outputs, cancellationToken);
        foreach (var result in outcome.Results)
            report.Outputs.Add(new OutputReport(result.Name, outputs.PathOf(result.Name), result.Format, result.Table?.RowCount,
                await outputs.CommitAsync(result.Name)));
        if (!outcome.ExpandsIntoChildren)
            return;

        report.Entries = outputs.Children.Count;
        var total = outputs.Children.Sum(c => c.Size);
        foreach (var child in outputs.Children)
        {
            var segments = child.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(FileNames.Sanitize).DefaultIfEmpty(FileNames.Fallback).ToArray();
            var childFolder = Path.Combine([folder, name, .. segments[..^1]]);
            child.File.Position = 0;
            await ProcessAsync(child.File, segments[^1], displayName + "/" + string.Join('/', segments), childFolder, depth + 1,
                outcome.UnusedArchiveShare?.For(child.Size, total), reports, cancellationToken);
        }
    }

    /// <summary>The full path of <paramref name="name" /> in <paramref name="folder" />, once per run.</summary>
    string Claim(string folder, string name)
    {
        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (!_written.Add(path))
            throw new IOException($"Another input already wrote {path}: process these files into separate folders.");
        return path;
    }

    static FileStream Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>Results written beside their final name and renamed once the processor succeeds; entries into temp files.</summary>
    sealed class FolderOutputs(LocalRun run, string folder) : IProcessingOutputs, IAsyncDisposable
    {
        readonly Dictionary<string, (string Path, FileStream File)> _results = new(StringComparer.Ordinal);
        readonly List<Entry> _children = [];

        public IReadOnlyList<Entry> Children => _children;

        public Stream CreateResult(string name)
        {
            var path = run.Claim(folder, name);
            var file = Create(path + ".partial");
            _results.Add(name, (path, file));
            return file;
        }

        public async Task<long> AddChildAsync(string path, Stream content, CancellationToken cancellationToken)
        {
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await content.CopyToAsync(file, cancellationToken);
            _children.Add(new Entry(path, file, file.Length));
            return file.Length;
        }

        public string PathOf(string name) => _results[name].Path;

        /// <returns>The result's size.</returns>
        public async Task<long> CommitAsync(string name)
        {
            var (path, file) = _results[name];
            var size = file.Length;
            await file.DisposeAsync();
            File.Move(path + ".partial", path, overwrite: true);
            _results.Remove(name);
            return size;
        }

        /// <summary>Deletes what was not committed (the processor failed) and the entries' temp files.</summary>
        public async ValueTask DisposeAsync()
        {
            foreach (var (path, file) in _results.Values)
            {
                await file.DisposeAsync();
                File.Delete(path + ".partial");
            }

            foreach (var child in _children)
                await child.File.DisposeAsync();
        }
    }

    sealed record Entry(string Path, FileStream File, long Size);
}
