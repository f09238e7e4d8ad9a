namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>A column as CREATE TABLE declares it (<paramref name="DeclaredType" /> empty: no CREATE TABLE did), with the
/// Parquet column it becomes; <paramref name="Generated" />: computed from other columns (GENERATED ALWAYS AS (...)), so
/// dumps do not hold its values.</summary>
sealed record SqlColumn(string Name, string DeclaredType, ColumnSpec Spec, bool Generated);

/// <summary>Which table column each value of a row goes to, and which columns the rows leave out (null).</summary>
sealed record ColumnMapping(int[] Targets, int[] Unlisted);

/// <summary>A table of the dump and, while its rows arrive, the Parquet file they are written to.</summary>
sealed class SqlTable(string name, string fileName, IReadOnlyList<SqlColumn> columns) : IDisposable
{
    const int MaxShownValue = 80;

    /// <summary>Column positions by name, case-insensitively, so a column list of n names costs n lookups.</summary>
    readonly Dictionary<string, int> _indexByName = columns.Select((c, i) => (c.Name, i))
        .DistinctBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(c => c.Name, c => c.i, StringComparer.OrdinalIgnoreCase);

    ParquetTableWriter? _writer;

    /// <summary>The last mapping <see cref="MappingInParent" /> translated (one per COPY or INSERT), and its result.</summary>
    (ColumnMapping? From, ColumnMapping? To) _mappedToParent;
    ParquetWriteSummary? _summary;

    /// <summary>The table's name without its schema, as declared.</summary>
    public string Name => name;

    /// <summary>The name its output is opened under: <see cref="Name" /> made a safe, unique file name.</summary>
    public string FileName => fileName;

    /// <summary>Rows go in the table's column order, every column given.</summary>
    public ColumnMapping AllColumns { get; } = new(Enumerable.Range(0, columns.Count).ToArray(), []);

    /// <summary>DEFAULT in a row stands for null: the column is generated (pg_dump --inserts writes DEFAULT for it), or
    /// undeclared, so its default is not known.</summary>
    public bool DefaultIsNull(int column) => columns[column].Generated || columns[column].DeclaredType.Length == 0;

    /// <summary>The partitioned table this one is a partition of (ATTACH PARTITION): its rows are written there too.</summary>
    public SqlTable? Parent { get; set; }

    public bool DescendsFrom(SqlTable table)
    {
        for (var ancestor = Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (ancestor == table)
                return true;
        }

        return this == table;
    }

    /// <summary>Where a row mapped to this partition's columns goes in <see cref="Parent" />'s, matched by name (a
    /// partition may order its columns differently); null, with why, when the parent lacks one of them.</summary>
    public ColumnMapping? MappingInParent(ColumnMapping mapping, out string? error)
    {
        error = null;
        if (ReferenceEquals(mapping, _mappedToParent.From))
            return _mappedToParent.To;
        var parent = Parent ?? throw new InvalidOperationException($"Table '{name}' is not a partition.");
        var inParent = parent.MapColumns(mapping.Targets.Select(t => columns[t].Name).ToList(), out error);
        if (error is not null)
            return null;
        _mappedToParent = (mapping, inParent);
        return inParent;
    }

    /// <summary>Rows that give every column but the generated ones, in order (SQLite's INSERT INTO t VALUES (...));
    /// null when no column is generated.</summary>
    public ColumnMapping? StoredColumns { get; } = columns.Any(c => c.Generated)
        ? new ColumnMapping(Enumerable.Range(0, columns.Count).Where(c => !columns[c].Generated).ToArray(),
            Enumerable.Range(0, columns.Count).Where(c => columns[c].Generated).ToArray())
        : null;

    public bool IsOpen => _writer is not null;

    public bool IsFinished => _summary is not null;

    /// <summary>When the table last received a row, to close the least recently written when too many are open.</summary>
    public long LastWrite { get; private set; }

    /// <summary>Maps the columns an INSERT or COPY lists to the table's; null when a name is not a column of it.</summary>
    public ColumnMapping MapColumns(IReadOnlyList<string> listed, out string? error)
    {
        var targets = new int[listed.Count];
        var listedAlready = new bool[columns.Count];
        for (var i = 0; i < listed.Count; i++)
        {
            if (!_indexByName.TryGetValue(listed[i], out var target) || listedAlready[target])
            {
                error = _indexByName.ContainsKey(listed[i])
                    ? $"column '{listed[i]}' of table '{name}' is listed twice."
                    : $"table '{name}' has no column '{listed[i]}'.";
                return AllColumns;
            }

            targets[i] = target;
            listedAlready[target] = true;
        }

        error = null;
        return new ColumnMapping(targets, Enumerable.Range(0, columns.Count).Where(c => !listedAlready[c]).ToArray());
    }

    public void Open(Func<string, Stream> openOutput, ParquetWriteOptions options)
    {
        var output = openOutput(fileName) ??
                     throw new InvalidOperationException($"openTableOutput returned no stream for table '{fileName}'.");
        _writer = new ParquetTableWriter(output, columns.Select(c => c.Name).ToList(), columns.Select(c => c.Spec).ToList(),
            options);
    }

    /// <summary>Writes a row; on a value that does not fit its column, returns why (naming table, column and value).</summary>
    public string? TryWriteRow(RowValues row, ColumnMapping mapping, long sequence)
    {
        var writer = _writer ?? throw new InvalidOperationException($"Table '{name}' is not open.");
        LastWrite = sequence;
        for (var i = 0; i < row.Count; i++)
        {
            var column = mapping.Targets[i];
            if (row.IsNull(i))
                writer.AppendNull(column);
            else if (!TryAppend(writer, column, row[i]))
                return Misfit(column, row[i]);
        }

        foreach (var column in mapping.Unlisted)
            writer.AppendNull(column);
        writer.EndRow();
        return null;
    }

    /// <summary>Writes the file's last row group and footer; the output stays open for the caller.</summary>
    public void Finish()
    {
        var writer = _writer ?? throw new InvalidOperationException($"Table '{name}' is not open.");
        _summary = writer.Close();
        writer.Dispose();
        _writer = null;
    }

    /// <remarks>Per-table input bytes are not tracked: the dump's size is in <see cref="SqlDumpConversionResult" />.</remarks>
    public ConversionResult Result()
    {
        var summary = _summary ?? throw new InvalidOperationException($"Table '{name}' is not finished.");
        return new ConversionResult(summary.Rows,
            columns.Select(c => new ConvertedColumn(c.Name, c.Spec.Type, c.Spec.Scale)).ToList(), 0, summary.OutputBytes,
            summary.RowGroups, Restarted: false);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    bool TryAppend(ParquetTableWriter writer, int column, ReadOnlySpan<char> value)
    {
        switch (columns[column].Spec.Type)
        {
            case ColumnType.Boolean:
                return TryParseBoolean(value, out var flag) && writer.TryAppend(column, flag ? "true" : "false");
            case ColumnType.Date or ColumnType.Timestamp when value.StartsWith("0000-00-00"):
                writer.AppendNull(column); // MySQL's "zero date" stands for no date
                return true;
            case ColumnType.Double:
                return TryAppendOrStored<double>(writer, column, value, SqlSpecialValues.TryParseStoredDouble);
            case ColumnType.Date:
                return TryAppendOrStored<int>(writer, column, value, SqlSpecialValues.TryParseDateDays);
            case ColumnType.Timestamp:
                return TryAppendOrStored<long>(writer, column, value, SqlSpecialValues.TryParseTimestampMicros);
            default:
                return writer.TryAppend(column, value);
        }
    }

    delegate bool StoredValueParser<T>(ReadOnlySpan<char> text, out T value);

    /// <summary>The value as the writer parses text, else as a dump tool writes what the database stored (<see cref="SqlSpecialValues" />).</summary>
    static bool TryAppendOrStored<T>(ParquetTableWriter writer, int column, ReadOnlySpan<char> value, StoredValueParser<T> stored)
        where T : unmanaged
    {
        if (writer.TryAppend(column, value))
            return true;
        if (!stored(value, out var physical))
            return false;
        writer.AppendPhysical(column, physical);
        return true;
    }

    /// <summary>PostgreSQL's spellings (t/f from COPY, true/false, yes/no, on/off) and MySQL's 1/0.</summary>
    static bool TryParseBoolean(ReadOnlySpan<char> value, out bool flag)
    {
        flag = value.Equals("1", StringComparison.Ordinal) || IsAny(value, "t", "true", "y", "yes", "on");
        return flag || value.Equals("0", StringComparison.Ordinal) || IsAny(value, "f", "false", "n", "no", "off");
    }

    static bool IsAny(ReadOnlySpan<char> value, params ReadOnlySpan<string> spellings)
    {
        foreach (var spelling in spellings)
        {
            if (value.Equals(spelling, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }

    string Misfit(int column, ReadOnlySpan<char> value)
    {
        var shown = value.Length <= MaxShownValue ? value.ToString() : $"{value[..MaxShownValue]}...";
        return $"value \"{shown}\" in column '{columns[column].Name}' of table '{name}' does not fit its type " +
               $"{columns[column].DeclaredType}.";
    }
}
