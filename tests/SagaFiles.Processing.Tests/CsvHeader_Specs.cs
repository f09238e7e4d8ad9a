using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using static SagaFiles.Processing.Tests.Support.CsvConversion;

namespace SagaFiles.Processing.Tests;

public class CsvHeader_Specs
{
    static Task<(ConversionResult Result, Support.ParquetFile File)> Convert(string csv,
        CsvConversionOptions? options = null) => Support.CsvConversion.Convert(Encoding.UTF8.GetBytes(csv), options);

    [Test]
    public async Task A_first_row_that_types_like_the_rows_below_is_data_and_columns_get_generated_names()
    {
        var (result, file) = await Convert("1,2024-01-01,true,Ann,\n2,2024-01-02T10:00Z,false,Bob,x\n");
        using var _ = file;

        result.RowCount.ShouldBe(2);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("column_1", ColumnType.Int64), ("column_2", ColumnType.Timestamp), ("column_3", ColumnType.Boolean),
            ("column_4", ColumnType.String), ("column_5", ColumnType.String)
        ]);
        file.Values<long?>("column_1").ShouldBe([1L, 2L]);
        file.Values<bool?>("column_3").ShouldBe([true, false]);
        file.Values<string?>("column_4").ShouldBe(["Ann", "Bob"]);
        file.Values<string?>("column_5").ShouldBe([null, "x"]);
    }

    /// <summary>Converts as the product does: the detected type gives the options.</summary>
    static Task<(ConversionResult Result, Support.ParquetFile File)> ConvertDetected(string csv, string name,
        int threads = 2, int rowGroupSize = 65_536)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        return Support.CsvConversion.Convert(bytes, CsvConversionOptions.For(FileTypeDetector.Detect(bytes, name),
            ProcessingLimits.Default) with
        {
            Limits = ProcessingLimits.Default with { MaxConversionThreads = threads }, RowGroupSize = rowGroupSize
        });
    }

    /// <summary>The World Bank's CSV downloads open with metadata lines, each narrower than the table.</summary>
    [TestCase(1, 65_536)]
    [TestCase(2, 1)] // a first chunk of one row besides the preamble and the header
    public async Task Narrower_lines_before_the_table_are_skipped_and_the_next_one_names_the_columns(int threads,
        int rowGroupSize)
    {
        const string csv = "\"Data Source\",\"World Development Indicators\",\r\n\r\n" +
                           "\"Last Updated Date\",\"2024-06-28\",\r\n\r\n" +
                           "\"Country Name\",\"Country Code\",\"1960\",\"1961\",\r\n" +
                           "\"Aruba\",\"ABW\",\"54608\",\"55811\",\r\n" +
                           "\"Africa Eastern and Southern\",\"AFE\",\"\",\"134169237\",\r\n";

        var (result, file) = await ConvertDetected(csv, "API_SP.POP.TOTL_DS2_en_csv_v2.csv", threads, rowGroupSize);
        using var _ = file;

        result.RowCount.ShouldBe(2);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("Country Name", ColumnType.String), ("Country Code", ColumnType.String), ("1960", ColumnType.Int64),
            ("1961", ColumnType.Int64), ("col_5", ColumnType.String)
        ]);
        file.Values<string?>("Country Code").ShouldBe(["ABW", "AFE"]);
        file.Values<long?>("1960").ShouldBe([54608L, null]);
    }

    /// <summary>A sheet whose table starts below empty rows exports them as rows of bare delimiters.</summary>
    [TestCase(1, 65_536)]
    [TestCase(2, 1)]
    public async Task Rows_of_empty_fields_above_the_header_are_skipped(int threads, int rowGroupSize)
    {
        const string csv = ",,,\r\n,,,\r\n,Name,Age,City\r\n,Ann,30,Oslo\r\n,,,\r\n,Bob,41,Rome\r\n";

        var (result, file) = await ConvertDetected(csv, "sheet.csv", threads, rowGroupSize);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("col_1", ColumnType.String), ("Name", ColumnType.String), ("Age", ColumnType.Int64), ("City", ColumnType.String)
        ]);
        file.Values<long?>("Age").ShouldBe([30L, null, 41L]); // below the header, an empty row is a row
    }

    [Test]
    public async Task Excels_sep_line_is_no_row_and_the_delimiter_is_found_below_it()
    {
        var (result, file) = await ConvertDetected("sep=;\r\nName;Betrag\r\nMüller;1,50\r\nKöln;2\r\n", "export.csv");
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["Name", "Betrag"]);
        file.Values<string?>("Betrag").ShouldBe(["1,50", "2"]);
    }

    [TestCase("a,b,c\n1,2\n3,4,5\n6,7,8\n", 2)] // below the header
    [TestCase("1\n3,4,5\n6,7,8\n", 2)] // above a first row of data, in a file without a header
    public async Task Narrower_rows_that_precede_no_header_are_no_preamble_and_fail_as_ragged(string csv, int line)
    {
        var failure = await Should.ThrowAsync<ConversionException>(() => ConvertDetected(csv, "x.csv"));

        failure.LineNumber.ShouldBe(line);
    }

    [Test]
    public async Task Names_over_typed_columns_are_a_header()
    {
        var (result, file) = await Convert("id,day,name\n1,2024-01-01,Ann\n2,2024-01-02,Bob\n");
        using var _ = file;

        result.RowCount.ShouldBe(2);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("day", ColumnType.Date), ("name", ColumnType.String)
        ]);
    }

    [Test]
    public async Task Only_string_columns_give_no_evidence_so_the_first_row_is_a_header()
    {
        var (result, _) = await Convert("Ann,Paris\nBob,Lyon\n");

        result.Columns.Select(c => c.Name).ShouldBe(["Ann", "Paris"]);
        result.RowCount.ShouldBe(1);
    }

    [Test]
    public async Task One_label_over_a_typed_column_makes_the_row_a_header_even_beside_numbers()
    {
        var (result, file) = await Convert("2023,total\n5,6\n7,8\n");
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["2023", "total"]);
        file.Values<long?>("2023").ShouldBe([5L, 7L]);
    }

    [Test]
    public async Task A_header_of_numbers_over_numeric_columns_reads_as_data()
    {
        var (result, _) = await Convert("2023,2024\n5,6\n7,8\n");

        result.Columns.Select(c => c.Name).ShouldBe(["column_1", "column_2"]);
        result.RowCount.ShouldBe(3);
    }

    [Test]
    public async Task Without_a_header_a_ragged_row_is_measured_against_the_first_row()
    {
        var error = await Failure(Encoding.UTF8.GetBytes("1,2,3\n4,5,6\n7,8\n"));

        error.Message.ShouldBe("Line 3: expected 3 fields as in the first row, found 2 (a ragged row).");
    }

    [Test]
    public async Task Without_a_header_a_restart_after_the_sample_keeps_the_first_row_and_the_generated_names()
    {
        var csv = new StringBuilder();
        for (var i = 0; i < 40; i++)
            csv.Append(i).Append(',').Append(i * 2).Append('\n');
        csv.Append("40,x\n");

        var (result, file) = await Convert(csv.ToString(), CsvConversionOptions.Csv with { SampleRows = 5 });
        using var _ = file;

        result.Restarted.ShouldBeTrue();
        result.RowCount.ShouldBe(41);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("column_1", ColumnType.Int64), ("column_2", ColumnType.String)
        ]);
        file.Values<long?>("column_1")[0].ShouldBe(0);
        file.Values<string?>("column_2")[^1].ShouldBe("x");
    }
}
