using System.Globalization;
using System.Text;

namespace SagaFiles.Processing.Archives;

/// <summary>How rejection messages show names and sizes.</summary>
static class ArchiveText
{
    const int MaxShownLength = 200;

    /// <summary>The name in double quotes, control characters escaped (\0, \x1B), cut at 200 characters.</summary>
    public static string Quote(string name)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in name.Length > MaxShownLength ? name[..MaxShownLength] : name)
        {
            if (c == '\0')
                builder.Append(@"\0");
            else if (char.IsControl(c))
                builder.Append(CultureInfo.InvariantCulture, $@"\x{(int)c:X2}");
            else
                builder.Append(c);
        }

        return builder.Append(name.Length > MaxShownLength ? "...\"" : "\"").ToString();
    }

    /// <summary>"10 GiB", "50 MiB", "1.5 KiB" or "1000 bytes".</summary>
    public static string Size(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[unit]}");
    }
}
