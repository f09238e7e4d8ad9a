namespace SagaFiles.Processing.IO;

/// <summary>
/// Which of a folder's files are completely written (for the watched folders and <c>sagafiles watch</c>): one whose size and modification time stayed the same for
/// <c>stableFor</c>, or one that arrived by a rename (writers that write to a temporary name rename when done). Names that
/// writers use while writing (<c>*.part</c>, <c>*.tmp</c>, <c>~*</c>) and dotfiles are never candidates.
/// </summary>
public sealed class SettledFiles(TimeSpan stableFor)
{
    readonly Dictionary<string, Candidate> _candidates = new(StringComparer.Ordinal);

    /// <summary>Whether a file of this name is left alone.</summary>
    public static bool IsIgnored(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length == 0 || name[0] is '.' or '~'
            || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Notes a file seen by a listing or a watcher event; <paramref name="renamed" />: it arrived by a rename.</summary>
    public void Observe(string path, bool renamed)
    {
        if (IsIgnored(path))
            return;
        if (_candidates.TryGetValue(path, out var known))
            known.Renamed |= renamed;
        else
            _candidates[path] = new Candidate { Renamed = renamed };
    }

    /// <summary>Reads each candidate's size and time again and answers those complete now (the caller takes or forgets them).</summary>
    public IReadOnlyList<FileVersion> Settled(DateTimeOffset now)
    {
        var settled = new List<FileVersion>();
        foreach (var (path, candidate) in _candidates.ToList())
        {
            if (FileVersion.Of(path) is not { } version)
            {
                // Gone (or a folder): nothing to take.
                _candidates.Remove(path);
                continue;
            }

            if (version != candidate.Seen)
                (candidate.Seen, candidate.Since) = (version, now);
            if (candidate.Renamed || now - candidate.Since >= stableFor)
                settled.Add(version);
        }

        return settled;
    }

    public void Forget(string path) => _candidates.Remove(path);

    sealed class Candidate
    {
        public FileVersion? Seen { get; set; }
        public DateTimeOffset Since { get; set; }
        public bool Renamed { get; set; }
    }
}

/// <summary>A file as it is now: its path, size and modification time (to the microsecond, as Postgres keeps it).</summary>
public sealed record FileVersion(string Path, long Size, DateTimeOffset ModifiedAt)
{
    /// <summary>The file's version now; null when there is no such file.</summary>
    public static FileVersion? Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
            return null;
        var ticks = info.LastWriteTimeUtc.Ticks;
        return new FileVersion(path, info.Exists ? info.Length : 0, new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero));
    }
}
