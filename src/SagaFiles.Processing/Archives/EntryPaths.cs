namespace SagaFiles.Processing.Archives;

/// <summary>Turns an entry name as stored in an archive into a safe relative path, or rejects the archive.</summary>
static class EntryPaths
{
    /// <summary>
    /// '\' counts as a separator (Windows tools write it into zips); "." and empty segments are dropped. Rejects a NUL,
    /// an absolute path ("/x", "\\server\x"), a drive letter ("C:\x", "C:x") and any ".." segment, even one that would
    /// stay inside. Returns "" for a name with no segments left ("./"), which only a directory may have.
    /// </summary>
    /// <exception cref="ArchiveRejectedException">With <see cref="ArchiveRejection.UnsafePath" />.</exception>
    public static string Normalize(string rawName)
    {
        if (rawName.Contains('\0'))
            throw Unsafe(rawName, "has a NUL character in its name");
        var name = rawName.Replace('\\', '/');
        if (name.StartsWith('/'))
            throw Unsafe(rawName, "has an absolute path");
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
            throw Unsafe(rawName, "has an absolute path (drive letter)");

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
            throw Unsafe(rawName, "escapes the archive (\"..\" segment)");
        return string.Join('/', segments);
    }

    /// <summary>Whether the stored name ends in a separator, the way zip marks a directory.</summary>
    public static bool NamesDirectory(string rawName) => rawName.EndsWith('/') || rawName.EndsWith('\\');

    /// <summary>
    /// Whether a path <see cref="Normalize" /> returned is what macOS adds to the archives it makes rather than a file of
    /// the user's: Finder's "Compress" stores each file's attributes as an AppleDouble file under <c>__MACOSX/</c>, its
    /// tar stores them beside the file as <c>._name</c>, and folders carry Finder's <c>.DS_Store</c>. Read as files they
    /// would fail (an AppleDouble <c>._data.csv</c> is binary under a CSV's name) and take the archive down with them.
    /// </summary>
    public static bool IsMacOSMetadata(string path)
    {
        var name = LastSegment(path);
        return path.StartsWith("__MACOSX/", StringComparison.Ordinal) || name.StartsWith("._", StringComparison.Ordinal) ||
               name == ".DS_Store";
    }

    /// <summary>The last segment of a path <see cref="Normalize" /> returned.</summary>
    public static string LastSegment(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static ArchiveRejectedException Unsafe(string rawName, string problem) =>
        new(ArchiveRejection.UnsafePath, $"entry {ArchiveText.Quote(rawName)} {problem}");
}
