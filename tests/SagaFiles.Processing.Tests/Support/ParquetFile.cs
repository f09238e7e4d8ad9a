using ParquetSharp;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>Reads a Parquet file back with ParquetSharp for assertions.</summary>
sealed class ParquetFile : IDisposable
{
    readonly ParquetFileReader _reader;

    public ParquetFile(byte[] content) =>
        _reader = new ParquetFileReader(new MemoryStream(content))
        {
            LogicalTypeFactory = new LogicalTypeFactory { DateAsDateOnly = true } // DATE columns read as DateOnly
        };

    public long RowCount => _reader.FileMetaData.NumRows;

    public int RowGroupCount => _reader.FileMetaData.NumRowGroups;

    public IReadOnlyList<string> ColumnNames =>
        Enumerable.Range(0, _reader.FileMetaData.NumColumns).Select(c => _reader.FileMetaData.Schema.Column(c).Name).ToList();

    public ColumnDescriptor Descriptor(string column) => _reader.FileMetaData.Schema.Column(Ordinal(column));

    public Compression CompressionOf(string column)
    {
        using var rowGroup = _reader.RowGroup(0);
        return rowGroup.MetaData.GetColumnChunkMetaData(Ordinal(column)).Compression;
    }

    /// <summary>Every value of a column, across row groups.</summary>
    public T[] Values<T>(string column) => Read(column, c => c.LogicalReader<T>());

    /// <summary>Every value of a column as its physical type stores it (days of a DATE, microseconds of a TIMESTAMP).</summary>
    public T[] RawValues<T>(string column) => Read(column, c => c.LogicalReaderOverride<T>());

    T[] Read<T>(string column, Func<ColumnReader, LogicalColumnReader<T>> open)
    {
        var ordinal = Ordinal(column);
        var values = new List<T>();
        for (var g = 0; g < RowGroupCount; g++)
        {
            using var rowGroup = _reader.RowGroup(g);
            using var reader = open(rowGroup.Column(ordinal));
            values.AddRange(reader.ReadAll(checked((int)rowGroup.MetaData.NumRows)));
        }

        return values.ToArray();
    }

    int Ordinal(string column)
    {
        var ordinal = ColumnNames.ToList().IndexOf(column);
        return ordinal >= 0 ? ordinal : throw new ArgumentException($"No column '{column}' in {string.Join(", ", ColumnNames)}");
    }

    public void Dispose() => _reader.Dispose();
}
