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

    /// <summary>
    /// Sets the current row's value of a column to a value of its physical type (double; days since 1970 for a date;
    /// microseconds since 1970 UTC for a timestamp): for values the text parsers do not take, such as infinities.
    /// </summary>
    internal void AppendPhysical<T>(int column, T value) where T : unmanaged =>
        (Unset(column) as ValueBuffer<T> ??
         throw new InvalidOperationException($"Column '{_columnNames[column]}' does not store {typeof(T).Name} values."))
        .Append(value);

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
    /// Starts a row group filled apart from the writer (by other threads, say): each column's values are the parts'
    /// values in order. Its columns are then encoded by <see cref="RowGroupEncoding.EncodeNext" /> on as many threads
    /// as call it; the next row group may start only once it <see cref="RowGroupEncoding.Finish">finished</see>.
    /// Rows appended through <see cref="TryAppend" /> must have been written first.
    /// </summary>
    internal RowGroupEncoding BeginRowGroup(IReadOnlyList<ColumnBuffer[]> parts, int rows)
    {
        EnsureOpen();
        if (_buffered > 0)
            throw new InvalidOperationException("Rows appended one by one are still buffered.");
        if (parts.Any(part => part.Length != _buffers.Length) ||
            Enumerable.Range(0, _buffers.Length).Any(c => parts.Sum(part => part[c].Count) != rows))
            throw new ArgumentException($"Every column of the row group must hold {rows} values.", nameof(parts));
        FinishEncoding();
        // A buffered row group has a writer per column from the start (Arrow's own parallel writer writes its columns
        // on several threads the same way); its pages stay in memory until the column is closed.
        var rowGroup = _writer.AppendBufferedRowGroup();
        var columns = Enumerable.Range(0, _buffers.Length).Select(rowGroup.Column).ToArray();
        _rows += rows;
        _rowGroups++;
        return new RowGroupEncoding(parts, columns);
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

    /// <summary>
    /// jemalloc where the native library has it: a buffered row group's column writers are created on one thread, grown
    /// on others and freed on a third, and the default (mimalloc) keeps what a thread freed for the thread that
    /// allocated it: peak RSS converting the 1 GB benchmark CSV on two threads was 217-234 MB with it, 142-160 MB with jemalloc.
    /// </summary>
    static readonly Lazy<MemoryPool> NativePool = new(() =>
    {
        try
        {
            return MemoryPool.JemallocMemoryPool();
        }
        catch (ParquetException)
        {
            return MemoryPool.GetDefaultMemoryPool();
        }
    });

    static WriterProperties WriterProperties(IReadOnlyList<string> columnNames, IReadOnlyList<ColumnSpec> specs,
        ParquetWriteOptions options)
    {
        var builder = new WriterPropertiesBuilder()
            .Compression(Compression.Zstd)
            .CompressionLevel(options.CompressionLevel)
            .DisableDictionary()
            .CreatedBy("SagaFiles.Processing")
            .MemoryPool(NativePool.Value);
        for (var c = 0; c < specs.Count; c++)
        {
            if (specs[c].UseDictionary)
                builder.EnableDictionary(new ColumnPath([columnNames[c]]));
        }

        return builder.Build();
    }
}

/// <summary>
/// A row group's columns being encoded on any number of threads at once. Each <see cref="EncodeNext" /> writes a column
/// no other call took, to that column's own writer; a column is closed (its last page compressed, its pages appended to
/// the file) once it and every column before it are written, by whichever thread gets there, so the file's bytes do
/// not depend on the threads or their timing.
/// </summary>
sealed class RowGroupEncoding(IReadOnlyList<ColumnBuffer[]> parts, ColumnWriter[] columns)
{
    readonly bool[] _written = new bool[columns.Length];
    int _taken = -1;
    int _closed;
    bool _closing;
    volatile bool _failed;

    public int Columns => columns.Length;

    /// <summary>Encodes the next column nobody took yet, and closes the columns now complete in order; false when none
    /// was left (or one failed).</summary>
    public bool EncodeNext()
    {
        if (_failed)
            return false;
        var column = Interlocked.Increment(ref _taken);
        if (column >= columns.Length)
            return false;
        try
        {
            foreach (var part in parts)
                part[column].WriteTo(columns[column]);
            CloseInOrder(column);
            return true;
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Checks, once every thread that called <see cref="EncodeNext" /> returned, that every column was written.</summary>
    public void Finish()
    {
        if (_closed != columns.Length)
            throw new InvalidOperationException($"{_closed} of {columns.Length} columns of the row group were written and closed.");
    }

    void CloseInOrder(int written)
    {
        lock (_written)
        {
            _written[written] = true;
            if (_closing)
                return; // the thread closing columns closes this one too once it gets there
            _closing = true;
        }

        while (true)
        {
            int next;
            lock (_written)
            {
                if (_closed == columns.Length || !_written[_closed])
                {
                    _closing = false;
                    return;
                }

                next = _closed;
            }

            columns[next].Close();
            lock (_written)
                _closed++;
        }
    }
}
