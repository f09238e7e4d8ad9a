namespace SagaFiles.Processing.Conversion;

/// <summary>Whether a CSV or TSV file quotes its fields: part of its dialect, like the delimiter.</summary>
public enum CsvQuoting
{
    /// <summary>RFC 4180: a quote at a field's start opens a quoted field (two quotes inside are one); a quote anywhere
    /// else is a character. A quoted field that is not closed properly fails naming its line.</summary>
    Rfc4180,

    /// <summary>A quote is an ordinary character everywhere, as tools that never quote write it (IMDb's datasets).</summary>
    None,

    /// <summary>As <see cref="Rfc4180" />, but inside quotes a backslash escapes a quote or a backslash (" and \), as
    /// Spark's CSV writer and MySQL's SELECT ... INTO OUTFILE ... ENCLOSED BY '"' write them.</summary>
    BackslashEscaped,

    /// <summary>
    /// As DuckDB's sniffer does, the input's first MiB decides (<see cref="Detection.TextSniffer.DialectOf" />). A field
    /// there that begins with a quote and is no well-formed quoted field (text follows its closing quote; in a TSV, it
    /// is never closed), with none that needs its quotes, means <see cref="None" />; well-formed quoted fields mean
    /// <see cref="Rfc4180" />, or <see cref="BackslashEscaped" /> when only reading " as an escaped quote makes them
    /// well formed. With no quote at a field's start the input is read as <see cref="Rfc4180" />, and when
    /// a record fails, once more from the start as <see cref="None" /> (the output must be seekable), whose failure
    /// is reported instead when it comes further into the input (<see cref="CsvToParquetConverter" />).
    /// </summary>
    Sniffed
}
