using ParquetSharp;
using ParquetSharp.Schema;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Writes rows of text values as a typed Parquet file (ZSTD, dictionaries only where a <see cref="ColumnSpec" /> asks),
/// one row group at a time, so memory depends on <see cref="ParquetWriteOptions.RowGroupSize" /> and
/// <see cref="ParquetWriteOptions.MaxCellsPerRowGroup" />, not on the file or its number of columns.
/// Any format that yields rows of text (CSV, JSON, SQL dumps) can feed it; <see cref="ColumnProfile" /> infers the specs.
/// With <see cref="ParquetWriteOptions.Threads" /> 2 or more, a full row group is encoded and compressed on another thread while
/// the caller fills the next one (two row groups in memory instead of one).
/// <para>
/// Per row: one <see cref="TryAppend" /> or <see cref="AppendNull" /> per column, in any order, then <see cref="EndRow" />.
/// Values are taken literally: an empty value is an empty string in a string column and does not fit any other type;
/// call <see cref="AppendNull" /> for a missing value.
/// </para>
/// </summary>
public sealed class ParquetTableWriter : IDisposable
{
    readonly IReadOnlyList<string> _columnNames;
    readonly IReadOnlyList<ColumnSpec> _specs;
    readonly int _rowGroupSize;
    readonly bool _encodeBeside;
    ColumnBuffer[] _buffers;
    ColumnBuffer[]? _spareBuffers;
    Task _encoding = Task.CompletedTask;
    readonly WriteCountingStream _output;
    readonly WriterProperties _properties;
    readonly ParquetFileWriter _writer;
    long _rows;
    int _rowGroups;
    int _buffered;
    bool _closed;

    /// <param name="output">Receives the Parquet file from its current position; need not seek; left open.</param>
    /// <param name="columnNames">Unique (case-sensitively) column names.</param>
    /// <param name="specs">Each column's type, one per name.</param>
    /// <param name="options">Row-group size and compression level.</param>
    /// <exception cref="ConversionException">One row holds more values than a row group may
    /// (<see cref="ParquetWriteOptions.MaxCellsPerRowGroup" />).</exception>
    public ParquetTableWriter(Stream output, IReadOnlyList<string> columnNames, IReadOnlyList<ColumnSpec> specs,
        ParquetWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!output.CanWrite)
            throw new ArgumentException("The output must be writable.", nameof(output));
        if (columnNames.Count == 0)
            throw new ArgumentException("A table needs at least one column.", nameof(columnNames));
        if (specs.Count != columnNames.Count)
            throw new ArgumentException($"{specs.Count} specs for {columnNames.Count} columns.", nameof(specs));
        if (columnNames.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new ArgumentException($"The column name '{repeated.Key}' is used more than once.", nameof(columnNames));

        (_columnNames, _specs) = (columnNames, specs);
        _rowGroupSize = options.RowsPerGroup(columnNames.Count);
        _encodeBeside = options.Threads > 1;
        _buffers = NewBuffers();
        _output = new WriteCountingStream(output);
        _properties = WriterProperties(columnNames, specs, options);
        _writer = new ParquetFileWriter(_output, _buffers.Select(b => b.Column).ToArray(), LogicalTypeFactory.Default,
            _properties, keyValueMetadata: null, leaveOpen: true);
    }

    /// <summary>Sets the current row's value of a column; false, appending nothing, when it does not fit the type.</summary>
    public bool TryAppend(int column, ReadOnlySpan<char> value) => Unset(column).TryAppend(value);

    /// <summary>Sets the current row's value of a column to null.</summary>
    public void AppendNull(int column) => Unset(column).AppendNull();

    /// <summary>Completes the current row (every column must have its value) and writes a row group when one is full.</summary>
    public void EndRow()
    {
        EnsureOpen();
        for (var c = 0; c < _buffers.Length; c++)
        {
            if (_buffers[c].Count == _buffered)
                throw new InvalidOperationException($"Column '{_columnNames[c]}' has no value in row {_rows + 1}.");
        }

        _rows++;
        if (++_buffered == _rowGroupSize)
            FlushRowGroup();
    }

    /// <summary>Rows a row group holds at most (fewer for a wide table: see <see cref="ParquetWriteOptions.RowsPerGroup" />).</summary>
    internal int RowsPerGroup => _rowGroupSize;

    /// <summary>Empty column buffers for part of a row group filled apart from this writer, then given to
    /// <see cref="WriteRowGroup" />.</summary>
    internal ColumnBuffer[] NewRowGroupPart(int capacity) =>
        _columnNames.Select((name, c) => ColumnBuffer.Create(name, _specs[c], capacity)).ToArray();

    /// <summary>
    /// Encodes and compresses a row group filled apart from the writer (by other threads, say) on the calling thread:
    /// each column's values are the parts' values in order. Rows appended through <see cref="TryAppend" /> must have
    /// been written first.
    /// </summary>
    internal void WriteRowGroup(IReadOnlyList<ColumnBuffer[]> parts, int rows)
    {
        EnsureOpen();
        if (_buffered > 0)
            throw new InvalidOperationException("Rows appended one by one are still buffered.");
        if (parts.Any(part => part.Length != _buffers.Length) ||
            Enumerable.Range(0, _buffers.Length).Any(c => parts.Sum(part => part[c].Count) != rows))
            throw new ArgumentException($"Every column of the row group must hold {rows} values.", nameof(parts));
        FinishEncoding();
        using (var rowGroup = _writer.AppendRowGroup())
        {
            for (var c = 0; c < _buffers.Length; c++)
            {
                using var column = rowGroup.NextColumn();
                foreach (var part in parts)
                    part[c].WriteTo(column);
            }
        }

        _rows += rows;
        _rowGroups++;
    }

    /// <summary>Writes the last row group and the file footer; the writer cannot be used afterwards.</summary>
    public ParquetWriteSummary Close()
    {
        EnsureOpen();
        if (_buffers.Any(b => b.Count != _buffered))
            throw new InvalidOperationException($"Row {_rows + 1} was started but not ended: call EndRow first.");
        if (_buffered > 0)
            FlushRowGroup();
        FinishEncoding();
        _writer.Close();
        _closed = true;
        return new ParquetWriteSummary(_rows, _rowGroups, _output.BytesWritten);
    }

    /// <summary>Releases the native writer; without <see cref="Close" /> the output holds no valid file.</summary>
    public void Dispose()
    {
        // The native writer may still be encoding a row group: it must be done before it is released. A failure there
        // was reported by the call that waited for it, or is moot for a writer abandoned without Close.
        try
        {
            _encoding.Wait();
        }
        catch (AggregateException)
        {
        }

        _writer.Dispose();
        _properties.Dispose();
    }

    ColumnBuffer Unset(int column)
    {
        EnsureOpen();
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _buffers.Length);
        var buffer = _buffers[column];
        if (buffer.Count != _buffered)
            throw new InvalidOperationException($"Column '{_columnNames[column]}' already has a value in row {_rows + 1}.");
        return buffer;
    }

    void EnsureOpen()
    {
        if (_closed)
            throw new InvalidOperationException("The writer is closed.");
    }

    void FlushRowGroup()
    {
        var full = _buffers;
        if (_encodeBeside)
        {
            // At most one row group encodes while the next fills: the buffers it used are filled again only once it is done.
            FinishEncoding();
            _buffers = _spareBuffers ?? NewBuffers();
            _spareBuffers = full;
            _encoding = Task.Run(() => Write(full));
        }
        else
        {
            Write(full);
        }

        _rowGroups++;
        _buffered = 0;
    }

    void Write(ColumnBuffer[] buffers)
    {
        using var rowGroup = _writer.AppendRowGroup();
        foreach (var buffer in buffers)
            buffer.Flush(rowGroup);
    }

    /// <summary>Waits for the row group being encoded beside the caller, rethrowing what it failed with.</summary>
    void FinishEncoding() => _encoding.GetAwaiter().GetResult();

    ColumnBuffer[] NewBuffers() => _columnNames.Select((name, c) => ColumnBuffer.Create(name, _specs[c], _rowGroupSize)).ToArray();

    static WriterProperties WriterProperties(IReadOnlyList<string> columnNames, IReadOnlyList<ColumnSpec> specs,
        ParquetWriteOptions options)
    {
        var builder = new WriterPropertiesBuilder()
            .Compression(Compression.Zstd)
            .CompressionLevel(options.CompressionLevel)
            .DisableDictionary()
            .CreatedBy("SagaFiles.Processing");
        for (var c = 0; c < specs.Count; c++)
        {
            if (specs[c].UseDictionary)
                builder.EnableDictionary(new ColumnPath([columnNames[c]]));
        }

        return builder.Build();
    }
}
