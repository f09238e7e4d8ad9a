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

    /// <summary>The last segment of a path <see cref="Normalize" /> returned.</summary>
    public static string LastSegment(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static ArchiveRejectedException Unsafe(string rawName, string problem) =>
        new(ArchiveRejection.UnsafePath, $"entry {ArchiveText.Quote(rawName)} {problem}");
}
