using System.IO.Compression;
using System.Text;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>The kinds of small file that once took a worker out of service (issue 13), and a few more found by reading.</summary>
public enum HostileClass
{
    /// <summary>A CSV header that repeats one name (making names unique was quadratic), and one row.</summary>
    RepeatedHeaderName,

    /// <summary>A CSV of many columns and three rows (every column held a whole row group's arrays).</summary>
    WideCsv,

    /// <summary>A CSV whose one column name is as long as the file.</summary>
    LongCsvName,

    /// <summary>A JSON object whose one key is as long as the file.</summary>
    LongJsonKey,

    /// <summary>Objects nested inside objects, one key each.</summary>
    DeepJson,

    /// <summary>Arrays nested inside arrays, as one value.</summary>
    DeepJsonArray,

    /// <summary>One JSON object with as many distinct keys as fit.</summary>
    ManyJsonKeys,

    /// <summary>A SQL dump of tiny CREATE TABLE statements and nothing else.</summary>
    ManyTables,

    /// <summary>A SQL dump of one table with many columns and one row.</summary>
    WideSqlTable,

    /// <summary>One table with many columns and one row, its INSERT listing every column (matching them was quadratic).</summary>
    WideColumnInsert,

    /// <summary>Tables whose names share their first 200 characters: they must become distinct files.</summary>
    SharedPrefixTableNames,

    /// <summary>A zip of as many tiny CSV entries as fit: each becomes a child file.</summary>
    ManyEntryZip
}

/// <summary>A generated file: its name (the extension routes it) and its bytes.</summary>
public sealed record HostileInput(HostileClass Class, string FileName, byte[] Content);

/// <summary>
/// Generates each <see cref="HostileClass" /> at about a given size, deterministically, for the specs and for
/// bench/hostile.sh (through the test assembly's <c>generate</c> command, see <see cref="Probe" />).
/// </summary>
public static class HostileInputs
{
    public static HostileInput Generate(HostileClass kind, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 64);
        var text = new StringBuilder(bytes + 256);
        var name = kind switch
        {
            HostileClass.RepeatedHeaderName => RepeatedHeaderName(text, bytes),
            HostileClass.WideCsv => WideCsv(text, bytes),
            HostileClass.LongCsvName => LongCsvName(text, bytes),
            HostileClass.LongJsonKey => LongJsonKey(text, bytes),
            HostileClass.DeepJson => DeepJson(text, bytes),
            HostileClass.DeepJsonArray => DeepJsonArray(text, bytes),
            HostileClass.ManyJsonKeys => ManyJsonKeys(text, bytes),
            HostileClass.ManyTables => ManyTables(text, bytes),
            HostileClass.WideSqlTable => WideSqlTable(text, bytes, listColumns: false),
            HostileClass.WideColumnInsert => WideSqlTable(text, bytes, listColumns: true),
            HostileClass.SharedPrefixTableNames => SharedPrefixTableNames(text, bytes),
            HostileClass.ManyEntryZip => null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null)
        };
        return name is null
            ? new HostileInput(kind, "many-entries.zip", ManyEntryZip(bytes))
            : new HostileInput(kind, name, Encoding.UTF8.GetBytes(text.ToString()));
    }

    static string RepeatedHeaderName(StringBuilder text, int bytes)
    {
        var columns = bytes / 4; // "a," in the header, "1," in the row
        AppendRow(text, columns, _ => "a");
        AppendRow(text, columns, _ => "1");
        return "repeated-header.csv";
    }

    static string WideCsv(StringBuilder text, int bytes)
    {
        var columns = bytes / 16; // "c12345," + three "1,"
        AppendRow(text, columns, c => $"c{c}");
        for (var row = 0; row < 3; row++)
            AppendRow(text, columns, _ => "1");
        return "wide.csv";
    }

    static string LongCsvName(StringBuilder text, int bytes)
    {
        text.Append('k', bytes - 8).Append(",b\n1,2\n");
        return "long-name.csv";
    }

    static string LongJsonKey(StringBuilder text, int bytes)
    {
        text.Append("{\"").Append('k', bytes - 8).Append("\": 1}");
        return "long-key.json";
    }

    static string DeepJson(StringBuilder text, int bytes)
    {
        var depth = bytes / 7; // {"a": and }
        for (var level = 0; level < depth; level++)
            text.Append("{\"a\": ");
        text.Append('1').Append('}', depth);
        return "deep.json";
    }

    static string DeepJsonArray(StringBuilder text, int bytes)
    {
        var depth = (bytes - 16) / 2;
        text.Append("{\"a\": ").Append('[', depth).Append(']', depth).Append('}');
        return "deep-array.json";
    }

    static string ManyJsonKeys(StringBuilder text, int bytes)
    {
        text.Append('{');
        for (var key = 0; text.Length < bytes; key++)
            text.Append(key == 0 ? "" : ",").Append("\"k").Append(key).Append("\":").Append(key % 10);
        text.Append('}');
        return "many-keys.json";
    }

    static string ManyTables(StringBuilder text, int bytes)
    {
        for (var table = 0; text.Length < bytes; table++)
            text.Append("CREATE TABLE t").Append(table).Append(" (a int);\n");
        return "many-tables.sql";
    }

    static string WideSqlTable(StringBuilder text, int bytes, bool listColumns)
    {
        var columns = bytes / (listColumns ? 20 : 14); // "c12345 int, " and "0, ", and "c12345, " when listed
        text.Append("CREATE TABLE wide (");
        AppendList(text, columns, c => $"c{c} int");
        text.Append(");\nINSERT INTO wide ");
        if (listColumns)
        {
            text.Append('(');
            AppendList(text, columns, c => $"c{c}");
            text.Append(") ");
        }

        text.Append("VALUES (");
        AppendList(text, columns, _ => "0");
        text.Append(");\n");
        return listColumns ? "wide-column-insert.sql" : "wide-table.sql";
    }

    static string SharedPrefixTableNames(StringBuilder text, int bytes)
    {
        var prefix = new string('t', 200);
        for (var table = 0; table == 0 || text.Length < bytes; table++)
        {
            text.Append("CREATE TABLE ").Append(prefix).Append("_long_").Append(table).Append(" (a int);\n")
                .Append("INSERT INTO ").Append(prefix).Append("_long_").Append(table).Append(" VALUES (").Append(table).Append(");\n");
        }

        return "shared-prefix.sql";
    }

    static byte[] ManyEntryZip(int bytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            // About 150 bytes per stored entry: local header, central record, names and a short CSV.
            for (var entry = 0; entry < bytes / 150; entry++)
            {
                using var content = zip.CreateEntry($"e{entry:D6}.csv", CompressionLevel.NoCompression).Open();
                content.Write(Encoding.UTF8.GetBytes($"id,name\n{entry},row{entry}\n"));
            }
        }

        return buffer.ToArray();
    }

    static void AppendRow(StringBuilder text, int columns, Func<int, string> value)
    {
        for (var c = 0; c < columns; c++)
            text.Append(c == 0 ? "" : ",").Append(value(c));
        text.Append('\n');
    }

    static void AppendList(StringBuilder text, int count, Func<int, string> item)
    {
        for (var i = 0; i < count; i++)
            text.Append(i == 0 ? "" : ", ").Append(item(i));
    }
}
