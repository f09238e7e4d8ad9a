using System.Buffers;
using System.Globalization;
using System.Text;

namespace SagaFiles.Processing;

/// <summary>Turns a client-supplied file name into one that is safe to store and to show.</summary>
public static class FileNames
{
    /// <summary>The longest name <see cref="Sanitize" /> returns, in UTF-16 code units.</summary>
    public const int MaxLength = 200;

    /// <summary>What <see cref="Sanitize" /> returns when nothing usable is left.</summary>
    public const string Fallback = "file";

    const int MaxExtensionLength = 16;
    static readonly SearchValues<char> Reserved = SearchValues.Create("<>:\"/\\|?*");
    static readonly SearchValues<char> Separators = SearchValues.Create("/\\");
    static readonly SearchValues<char> Letters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    static readonly HashSet<string> DeviceNames = new(
        ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Keeps only the last path segment (so "../", "/" and "\" cannot escape a folder), drops control and invisible
    /// formatting characters (bidi overrides, lone surrogates), replaces the characters Windows reserves with '_',
    /// collapses whitespace, trims dots and spaces at both ends, defuses Windows device names (CON, NUL, ...) and caps
    /// the length at <see cref="MaxLength" />, keeping the extension. Letters of every script are kept. Never empty.
    /// </summary>
    public static string Sanitize(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
            return Fallback;

        var lastSegment = fileName.AsSpan(fileName.AsSpan().LastIndexOfAny(Separators) + 1);
        var name = Clean(lastSegment).Trim('.', ' ');
        if (name.Length == 0)
            return Fallback;

        var dot = name.IndexOf('.');
        if (DeviceNames.Contains(dot < 0 ? name : name[..dot]))
            name = "_" + name;

        return name.Length <= MaxLength ? name : Shorten(name);
    }

    static string Clean(ReadOnlySpan<char> segment)
    {
        var builder = new StringBuilder(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (char.IsHighSurrogate(c) && i + 1 < segment.Length && char.IsLowSurrogate(segment[i + 1]))
            {
                builder.Append(c).Append(segment[++i]);
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (builder.Length > 0 && builder[^1] != ' ')
                    builder.Append(' ');
                continue;
            }

            if (char.IsSurrogate(c) || IsInvisible(c))
                continue;
            builder.Append(Reserved.Contains(c) ? '_' : c);
        }

        return builder.ToString();
    }

    /// <summary>Control and format characters, except the joiners some scripts need between letters.</summary>
    static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format && c is not ('\u200C' or '\u200D');

    static string Shorten(string name)
    {
        var extension = Path.GetExtension(name);
        // Kept only when it looks like an extension: a dot and a few ASCII letters or digits.
        if (extension.Length is < 2 or > MaxExtensionLength || extension.AsSpan(1).ContainsAnyExcept(Letters))
            extension = "";

        var stem = name[..^extension.Length];
        var length = 0;
        var budget = MaxLength - extension.Length;
        // Cut between text elements so no surrogate pair or combining sequence is split.
        while (length < stem.Length)
        {
            var next = StringInfo.GetNextTextElementLength(stem, length);
            if (length + next > budget)
                break;
            length += next;
        }

        var shortened = stem.AsSpan(0, length).TrimEnd(". ");
        return (shortened.Length > 0 ? shortened.ToString() : Fallback) + extension;
    }
}
