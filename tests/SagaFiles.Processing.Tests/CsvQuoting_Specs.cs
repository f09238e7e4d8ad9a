using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

/// <summary>
/// Whether a file quotes at all is part of its dialect, as in DuckDB's sniffer: tools that never quote (IMDb's datasets,
/// many database exports) write a quote as an ordinary character, even at a field's start, and such a file is read with
/// quoting off; a file that really quotes (Excel's tab-delimited text, RFC 4180 CSV) keeps its quoted delimiters,
/// quotes and line breaks. These specs convert as the product does: the detected type gives the options.
/// </summary>
public class CsvQuoting_Specs
{
    static CsvConversionOptions Detected(byte[] bytes, string name, int threads = 2) =>
        CsvConversionOptions.For(FileTypeDetector.Detect(bytes, name), ProcessingLimits.Default) with
        {
            Limits = ProcessingLimits.Default with { MaxConversionThreads = threads }
        };

    static Task<(ConversionResult Result, ParquetFile File)> ConvertDetected(string text, string name, int threads = 2,
        int? rowGroupSize = null)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var options = Detected(bytes, name, threads);
        return CsvConversion.Convert(bytes, rowGroupSize is { } size ? options with { RowGroupSize = size } : options);
    }

    static Task<ConversionException> FailureDetected(string text, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return CsvConversion.Failure(bytes, Detected(bytes, name));
    }

    /// <summary>
    /// title.basics.tsv as IMDb writes it: no quoting at all, \N for null, titles that begin with a quote and go on after
    /// it, titles with a quote inside, a title that opens a quote and never closes it, and integer years.
    /// </summary>
    sealed class ImdbTitles
    {
        readonly StringBuilder _tsv = new("tconst\ttitleType\tprimaryTitle\tstartYear\tendYear\tgenres\n");

        public List<string> Titles { get; } = [];

        public List<long> Years { get; } = [];

        public ImdbTitles(int rows, int firstQuoteAt = 2, int quoteEvery = 7)
        {
            for (var i = 0; i < rows; i++)
            {
                var title = i >= firstQuoteAt && (i - firstQuoteAt) % quoteEvery == 0
                    ? (i / quoteEvery % 4) switch
                    {
                        0 => $"\"Prisoner\" of Love {i}",
                        1 => $"The 5\" Screen {i}",
                        2 => $"\"Unclosed title {i}",
                        _ => $"\"\"Double\"\" {i}"
                    }
                    : $"Title {i}";
                var year = 1890 + i % 130;
                Titles.Add(title);
                Years.Add(year);
                _tsv.Append($"tt{i:D7}\t{(i % 3 == 0 ? "short" : "movie")}\t{title}\t{year}\t")
                    .Append(i % 5 == 0 ? $"{year + 3}" : "\\N").Append('\t').Append(i % 4 == 0 ? "\\N" : "Drama,Romance").Append('\n');
            }
        }

        public string Text => _tsv.ToString();
    }

    /// <summary>Each reads as DuckDB's read_csv reads it (two rows each; the column's values).</summary>
    [TestCase("id\ttitle\n1\t\"Prisoner\" of Love\n2\tplain\n", "x.tsv", "title", "\"Prisoner\" of Love", "plain")]
    [TestCase("id\ttitle\tyear\n1\t\"Prisoner\t1999\n2\tplain\t2000\n", "x.tsv", "title", "\"Prisoner", "plain")]
    [TestCase("a,b,c\n1,5\" screen,3\n2,x,4\n", "stray.csv", "b", "5\" screen", "x")]
    [TestCase("a,b,c\n1,\"5\" screen,3\n2,x,4\n", "startq.csv", "b", "\"5\" screen", "x")]
    [TestCase("a,b,c\n1,\"x,y\",3\n2,\"multi\nline\",4\n", "quoted.csv", "b", "x,y", "multi\nline")]
    public async Task A_file_is_read_with_quoting_only_when_its_quotes_are_well_formed_quoted_fields(string text,
        string name, string column, params string[] values)
    {
        var (result, file) = await ConvertDetected(text, name);
        using var _ = file;

        result.RowCount.ShouldBe(values.Length);
        file.Values<string?>(column).ShouldBe(values);
    }

    [Test]
    public async Task An_IMDb_like_TSV_converts_every_row_with_its_quotes_kept_as_text_and_its_years_as_integers()
    {
        var imdb = new ImdbTitles(400);

        var (result, file) = await ConvertDetected(imdb.Text, "title.basics.tsv");
        using var _ = file;

        result.RowCount.ShouldBe(400);
        result.Columns.Single(c => c.Name == "startYear").Type.ShouldBe(ColumnType.Int64);
        file.Values<long?>("startYear").ShouldBe(imdb.Years.Select(y => (long?)y).ToArray());
        file.Values<string?>("primaryTitle").ShouldBe(imdb.Titles.ToArray());
        file.Values<string?>("endYear").Count(v => v == "\\N").ShouldBe(320);
    }

    /// <summary>Read with quotes, the quote left open on line 14 would close on line 23's stray one, merging the lines.</summary>
    [Test]
    public void A_TSV_with_a_quote_left_open_is_still_detected_as_a_TSV()
    {
        var tsv = new ImdbTitles(60, firstQuoteAt: int.MaxValue).Text
            .Replace("\tTitle 12\t", "\t\"Title 12\t").Replace("\t1911\t", "\t1911\"\t");

        var detected = FileTypeDetector.Detect(Encoding.UTF8.GetBytes(tsv), "titles.txt");

        detected.Kind.ShouldBe(FileKind.Tsv);
    }

    [TestCase(1)]
    [TestCase(4)]
    public async Task An_IMDb_like_TSV_cut_into_many_chunks_reads_the_same_on_any_number_of_threads(int threads)
    {
        var imdb = new ImdbTitles(3000);

        var (result, file) = await ConvertDetected(imdb.Text, "title.basics.tsv", threads, rowGroupSize: 100);
        using var _ = file;

        result.RowCount.ShouldBe(3000);
        file.Values<string?>("primaryTitle").ShouldBe(imdb.Titles.ToArray());
    }

    /// <summary>
    /// The first quote comes past the sampled prefix: the file looked unquoted, the conversion meets a quote that does
    /// not close a field, and it starts again from the source with quoting off.
    /// </summary>
    [TestCase("\"Prisoner\" of Love")]
    [TestCase("\"Unclosed title")]
    public async Task A_TSV_whose_first_stray_quote_comes_past_the_sniffed_prefix_converts_by_starting_again_without_quoting(
        string late)
    {
        var imdb = new ImdbTitles(30_000, firstQuoteAt: int.MaxValue);
        var text = imdb.Text + $"tt9999999\tmovie\t{late}\t2020\t\\N\tDrama\ntt9999998\tmovie\tplain\t2021\t\\N\tDrama\n";

        var (result, file) = await ConvertDetected(text, "title.basics.tsv");
        using var _ = file;

        result.RowCount.ShouldBe(30_002);
        file.Values<string?>("primaryTitle")[^2..].ShouldBe([late, "plain"]);
    }

    [Test]
    public async Task A_file_read_again_without_quoting_that_fails_again_names_the_line_that_got_further()
    {
        var imdb = new ImdbTitles(30_000, firstQuoteAt: int.MaxValue);
        var text = imdb.Text + "tt9999999\tmovie\t\"Prisoner\" of Love\t2020\t\\N\tDrama\nshort\trow\n";

        var error = await FailureDetected(text, "title.basics.tsv");

        error.Message.ShouldBe("Line 30003: expected 6 fields as in the first row, found 2 (a ragged row).");
    }

    [Test]
    public async Task An_Excel_tab_delimited_file_keeps_its_quoted_tab_newline_and_quotes()
    {
        const string tsv = "id\ttext\tn\r\n1\t\"a\tb\"\t3\r\n2\t\"line1\r\nline2\"\t4\r\n3\t\"say \"\"hi\"\"\"\t5\r\n4\tplain\t6\r\n";

        var (result, file) = await ConvertDetected(tsv, "export.txt");
        using var _ = file;

        result.RowCount.ShouldBe(4);
        file.Values<string?>("text").ShouldBe(["a\tb", "line1\r\nline2", "say \"hi\"", "plain"]);
        file.Values<long?>("n").ShouldBe([3L, 4L, 5L, 6L]);
    }

    /// <summary>
    /// A comma (or ';', '|') file with a quote left open is likelier one that lost a closing quote than one that never
    /// quotes: it fails naming the line, in the prefix or past it (DuckDB would read it without quoting).
    /// </summary>
    [TestCase("1,\"open,3\n2,x,4\n", 0, "Line 2: a quoted field is never closed (unterminated quote).")]
    [TestCase("70000,\"open,1\n70001,plain,2\n", 70_000, "Line 70002: a quoted field is never closed (unterminated quote).")]
    public async Task A_CSV_field_that_opens_a_quote_and_never_closes_it_fails_naming_its_line(string tail, int rowsBefore,
        string message)
    {
        var error = await FailureDetected(Names(rowsBefore) + tail, "open.csv");

        error.Message.ShouldBe(message);
    }

    [Test]
    public async Task A_CSV_whose_first_quote_past_the_prefix_has_text_after_it_converts_by_starting_again_without_quoting()
    {
        var (result, file) = await ConvertDetected(Names(70_000) + "70000,\"5\" screen,1\n70001,plain,2\n", "names.csv");
        using var _ = file;

        result.RowCount.ShouldBe(70_002);
        file.Values<string?>("name")[^2..].ShouldBe(["\"5\" screen", "plain"]);
    }

    /// <summary>A header and rows of a CSV without quotes (more than a MiB of them for 70,000 rows).</summary>
    static string Names(int rows)
    {
        var csv = new StringBuilder("id,name,n\n");
        for (var i = 0; i < rows; i++)
            csv.Append($"{i},name {i},{i % 7}\n");
        return csv.ToString();
    }

    /// <summary>Its prefix shows that it quotes, so reading it without quoting would break its quoted commas.</summary>
    [Test]
    public async Task A_CSV_that_quotes_and_breaks_its_quoting_past_the_prefix_fails_naming_the_line()
    {
        var csv = new StringBuilder("id,name\n");
        for (var i = 0; i < 60_000; i++)
            csv.Append(i).Append(",\"Smith, John\"\n");
        csv.Append("60000,\"x\"y\n");

        var error = await FailureDetected(csv.ToString(), "people.csv");

        error.Message.ShouldBe(
            "Line 60002: text follows the closing quote of a quoted field (write a quote inside quotes as two: \"\").");
    }

    /// <summary>Spark's CSV writer and MySQL's SELECT ... INTO OUTFILE ... ENCLOSED BY '"' escape quotes and
    /// backslashes inside quotes with a backslash.</summary>
    [TestCase(1, 65_536)]
    [TestCase(2, 1)] // chunks of one row: cuts fall between the escapes
    public async Task A_file_that_escapes_quotes_with_backslashes_reads_them_as_quotes(int threads, int rowGroupSize)
    {
        const string csv = "id,name,note\n1,\"O\\\"Brien\",\"C:\\\\temp\"\n" +
                           "2,\"say \\\"hi\\\", then\nleave\",plain\n3,x,\"\"\n";

        var (result, file) = await ConvertDetected(csv, "part-00000.csv", threads, rowGroupSize);
        using var _ = file;

        result.RowCount.ShouldBe(3);
        file.Values<string?>("name").ShouldBe(["O\"Brien", "say \"hi\", then\nleave", "x"]);
        file.Values<string?>("note").ShouldBe(["C:\\temp", "plain", null]);
    }

    [Test]
    public async Task Quoting_can_be_turned_off_by_the_options()
    {
        var (result, file) = await CsvConversion.Convert(Encoding.UTF8.GetBytes("a,b\n\"x,\"y\"\n"),
            CsvConversionOptions.Csv with { Quoting = CsvQuoting.None });
        using var _ = file;

        result.RowCount.ShouldBe(1);
        file.Values<string?>("a").ShouldBe(["\"x"]);
        file.Values<string?>("b").ShouldBe(["\"y\""]);
    }
}
