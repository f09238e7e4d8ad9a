namespace SagaFiles.Processing.Conversion.Sql;

/// <summary>
/// Converts a SQL dump to one Parquet file per table, typed from CREATE TABLE (see <see cref="SqlColumnTypes" />).
/// Reads PostgreSQL dumps (pg_dump's COPY ... FROM stdin blocks in text format, or its --inserts and --column-inserts)
/// and MySQL dumps (mysqldump: backticks, multi-row INSERTs, backslash escapes); statements that hold no rows (SET,
/// indexes, constraints, sequences, functions, LOCK TABLES...) are skipped. The dump is read once, forward only; memory
/// holds one row group per table being written (<see cref="SqlConversionOptions.MaxOpenTables" /> at most).
/// </summary>
public sealed class SqlDumpToParquetConverter
{
    /// <param name="input">The dump, UTF-8 (BOM optional), read from its current position to its end; need not seek.</param>
    /// <param name="openTableOutput">Called once per table with its file name (the caller appends .parquet) when its
    /// file starts; returns a writable stream that the caller owns and disposes; it is left open.</param>
    /// <param name="options">Row groups, compression, open tables, value length.</param>
    /// <param name="cancellationToken">Checked between statements and rows.</param>
    /// <exception cref="ConversionException">Malformed input, rows that do not match their table, or no CREATE TABLE;
    /// the message names the line.</exception>
    public async Task<SqlDumpConversionResult> ConvertAsync(Stream input, Func<string, Stream> openTableOutput,
        SqlConversionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(openTableOutput);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!input.CanRead)
            throw new ArgumentException("The input must be readable.", nameof(input));

        using var reader = new SqlDumpReader(input, openTableOutput, options, cancellationToken);
        var tables = await reader.ReadAsync().ConfigureAwait(false);
        return new SqlDumpConversionResult(tables, reader.BytesRead);
    }
}
