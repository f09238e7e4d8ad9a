using System.Text;
using ParquetSharp;
using Encoding = System.Text.Encoding;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

public class CsvToParquet_Specs
{
    readonly CsvToParquetConverter _converter = new();

    static async Task<(ConversionResult Result, ParquetFile File)> Convert(string csv, CsvConversionOptions? options = null,
        Encoding? encoding = null)
    {
        encoding ??= new UTF8Encoding(false);
        return await CsvConversion.Convert([.. encoding.GetPreamble(), .. encoding.GetBytes(csv)], options);
    }

    [Test]
    public async Task Column_types_are_inferred_and_values_read_back_unchanged()
    {
        const string csv = """
                           id,price,amount,active,created,day,name
                           1,9.99,12345678901234567.89,true,2024-03-01T10:15:30Z,2024-03-01,Ann
                           -2,0.5,-0.01,FALSE,2024-03-01T12:15:30.123456+02:00,2024-12-31,Bob
                           9223372036854775807,1e3,1,True,2024-03-01 00:00,2000-02-29,
                           ,,,,,,Dee
                           """;

        var (result, file) = await Convert(csv);
        using var _ = file;

        result.RowCount.ShouldBe(4);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("price", ColumnType.Double), ("amount", ColumnType.Decimal),
            ("active", ColumnType.Boolean), ("created", ColumnType.Timestamp), ("day", ColumnType.Date),
            ("name", ColumnType.String)
        ]);
        result.Columns.Single(c => c.Name == "amount").Scale.ShouldBe(2);
        result.Restarted.ShouldBeFalse();
        file.RowCount.ShouldBe(4);

        file.Values<long?>("id").ShouldBe([1L, -2L, long.MaxValue, null]);
        file.Values<double?>("price").ShouldBe([9.99, 0.5, 1000.0, null]);
        file.Values<decimal?>("amount").ShouldBe([12345678901234567.89m, -0.01m, 1m, null]);
        file.Values<bool?>("active").ShouldBe([true, false, true, null]);
        file.Values<DateTime?>("created").ShouldBe([
            new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc),
            new DateTime(2024, 3, 1, 10, 15, 30, DateTimeKind.Utc).AddTicks(1_234_560),
            new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc),
            null
        ]);
        file.Values<DateOnly?>("day").ShouldBe([
            new DateOnly(2024, 3, 1), new DateOnly(2024, 12, 31), new DateOnly(2000, 2, 29), null
        ]);
        file.Values<string?>("name").ShouldBe(["Ann", "Bob", null, "Dee"]);
    }

    [Test]
    public async Task The_parquet_schema_carries_logical_types_and_zstd()
    {
        var (_, file) = await Convert("n,d,t,day,s\n1,12345678901234567.5,2024-01-01T08:00Z,2024-01-01,x\n");
        using var _ = file;

        file.Descriptor("n").PhysicalType.ShouldBe(PhysicalType.Int64);
        file.Descriptor("d").LogicalType.ShouldBeOfType<DecimalLogicalType>().Scale.ShouldBe(1);
        var timestamp = file.Descriptor("t").LogicalType.ShouldBeOfType<TimestampLogicalType>();
        timestamp.IsAdjustedToUtc.ShouldBeTrue();
        timestamp.TimeUnit.ShouldBe(TimeUnit.Micros);
        file.Descriptor("day").LogicalType.ShouldBeOfType<DateLogicalType>();
        file.Descriptor("s").LogicalType.ShouldBeOfType<StringLogicalType>();
        file.CompressionOf("s").ShouldBe(Compression.Zstd);
    }

    [Test]
    public async Task A_column_mixing_dates_and_date_times_widens_to_timestamp()
    {
        var (result, file) = await Convert("when\n2024-03-01\n2024-03-02T10:30:00Z\n");
        using var _ = file;

        result.Columns.Single().Type.ShouldBe(ColumnType.Timestamp);
        file.Values<DateTime?>("when").ShouldBe([
            new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 3, 2, 10, 30, 0, DateTimeKind.Utc)
        ]);
    }

    [Test]
    public async Task Values_that_would_lose_something_as_numbers_stay_strings()
    {
        const string csv = "zip,plus,nan,big,sub_micro\n007,+5,NaN,1.23456789012345678e5,2024-01-01T00:00:00.1234567Z\n";

        var (result, file) = await Convert(csv);
        using var _ = file;

        result.Columns.ShouldAllBe(c => c.Type == ColumnType.String);
        file.Values<string?>("zip").ShouldBe(["007"]);
        file.Values<string?>("sub_micro").ShouldBe(["2024-01-01T00:00:00.1234567Z"]);
    }

    /// <summary>pandas' to_csv writes each float's shortest form: 0.1 * 3 is 0.30000000000000004, tiny ones 1e-05.</summary>
    [Test]
    public async Task Floats_written_as_their_shortest_form_are_doubles_whatever_their_digits()
    {
        const string csv = ",x\n0,0.1\n1,0.30000000000000004\n2,1e-05\n3,1.2345678901234567e+20\n4,\n";

        var (result, file) = await Convert(csv);
        using var _ = file;

        result.Columns.Select(c => c.Type).ShouldBe([ColumnType.Int64, ColumnType.Double]);
        file.Values<double?>("x").ShouldBe([0.1, 0.1 * 3, 1e-05, 1.2345678901234567e+20, null]);
    }

    [Test]
    public async Task Seventeen_digits_that_are_no_doubles_shortest_form_stay_exact_as_a_decimal()
    {
        var (result, file) = await Convert("x\n0.1\n0.30000000000000001\n");
        using var _ = file;

        result.Columns.Single().ShouldBe(new ConvertedColumn("x", ColumnType.Decimal, 17));
        file.Values<decimal?>("x").ShouldBe([0.1m, 0.30000000000000001m]);
    }

    /// <summary>A '#' at a line's start is no comment: a "#" column of row numbers, Excel's #N/A, hashtags.</summary>
    [TestCase(1)]
    [TestCase(2)]
    public async Task Lines_that_start_with_a_hash_are_rows_like_any_other(int threads)
    {
        const string csv = "#,tag,score\n1,#python,#N/A\n#2,#dotnet,5\n";

        var (result, file) = await Convert(csv, CsvConversionOptions.Csv with
        {
            Limits = ProcessingLimits.Default with { MaxConversionThreads = threads }
        });
        using var _ = file;

        result.RowCount.ShouldBe(2);
        result.Columns.Select(c => c.Name).ShouldBe(["#", "tag", "score"]);
        file.Values<string?>("#").ShouldBe(["1", "#2"]);
        file.Values<string?>("tag").ShouldBe(["#python", "#dotnet"]);
        file.Values<string?>("score").ShouldBe(["#N/A", "5"]);
    }

    /// <summary>Some exporters end every data line with a delimiter, but not the header's; any line may, too.</summary>
    [TestCase(1)]
    [TestCase(2)]
    public async Task A_delimiter_ending_a_row_the_header_does_not_end_so_adds_no_column(int threads)
    {
        var (result, file) = await Convert("name,qty\nAnn,1,\nBob,2\n\"Cy\",3,\"\"\n", CsvConversionOptions.Csv with
        {
            Limits = ProcessingLimits.Default with { MaxConversionThreads = threads }
        });
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([("name", ColumnType.String), ("qty", ColumnType.Int64)]);
        file.Values<string?>("name").ShouldBe(["Ann", "Bob", "Cy"]);
        file.Values<long?>("qty").ShouldBe([1L, 2L, 3L]);
    }

    [Test]
    public async Task Quoted_fields_keep_delimiters_quotes_and_line_breaks()
    {
        const string csv = "id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,\"\"\r\n";

        var (result, file) = await Convert(csv);
        using var _ = file;

        result.RowCount.ShouldBe(4);
        file.Values<string?>("text").ShouldBe(["a, b", "say \"hi\"", "two\r\nlines", null]);
    }

    [Test]
    public async Task Tsv_converts_with_a_tab_delimiter()
    {
        var (result, file) = await Convert("a\tb\n1\tx,y\n2\tz\n", CsvConversionOptions.Tsv);
        using var _ = file;

        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([("a", ColumnType.Int64), ("b", ColumnType.String)]);
        file.Values<string?>("b").ShouldBe(["x,y", "z"]);
    }

    [TestCase("id;name;amount\n1;Ann;10,5\n2;\"B;ob\";7\n", ';')]
    [TestCase("id|name|amount\n1|Ann|10,5\n2|\"B|ob\"|7\n", '|')]
    public async Task A_sniffed_delimiter_is_used_for_the_conversion(string csv, char delimiter)
    {
        var detected = FileTypeDetector.Detect(Encoding.UTF8.GetBytes(csv), "export.csv");

        var (result, file) = await Convert(csv, CsvConversionOptions.For(detected, ProcessingLimits.Default));
        using var _ = file;

        detected.Delimiter.ShouldBe(delimiter);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("name", ColumnType.String), ("amount", ColumnType.String)
        ]);
        file.Values<string?>("name").ShouldBe(["Ann", $"B{delimiter}ob"]);
        file.Values<string?>("amount").ShouldBe(["10,5", "7"]);
    }

    [Test]
    public async Task In_one_column_input_an_empty_line_is_a_null()
    {
        var (result, file) = await Convert("n\n1\n\n3\n");
        using var _ = file;

        result.RowCount.ShouldBe(3);
        file.Values<long?>("n").ShouldBe([1L, null, 3L]);
    }

    [Test]
    public async Task Empty_and_duplicate_header_names_are_made_unique()
    {
        var (result, file) = await Convert("a,,A,a,\n1,2,3,4,5\n");
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["a", "col_2", "A_2", "a_3", "col_5"]);
        file.ColumnNames.ShouldBe(["a", "col_2", "A_2", "a_3", "col_5"]);
    }

    [TestCase("a,b\n1,2\n\n3,4\n\n")]
    [TestCase("a,b\n1,2\n   \n3,4\n \t\n")] // lines of spaces and tabs are blank too
    public async Task Blank_lines_are_skipped(string csv)
    {
        var (result, file) = await Convert(csv);
        using var _ = file;

        result.RowCount.ShouldBe(2);
        file.Values<long?>("b").ShouldBe([2L, 4L]);
    }

    [Test]
    public async Task In_a_detected_file_lines_of_spaces_are_blank_too()
    {
        const string csv = "  \nid;name;city\n1;Ann;Oslo\n   \n2;Bob;Rome\n \n";
        var bytes = Encoding.UTF8.GetBytes(csv);

        var (result, file) = await CsvConversion.Convert(bytes,
            CsvConversionOptions.For(FileTypeDetector.Detect(bytes, "export.txt"), ProcessingLimits.Default));
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["id", "name", "city"]);
        file.Values<string?>("name").ShouldBe(["Ann", "Bob"]);
    }

    [Test]
    public async Task A_value_past_the_sample_that_does_not_fit_widens_its_column_instead_of_being_lost()
    {
        var csv = new StringBuilder("id,code,ratio\n");
        for (var i = 0; i < 50; i++)
            csv.Append(i).Append(',').Append(i).Append(',').Append(i).Append('\n');
        csv.Append("50,A-17,0.25\n51,52,12345678901234567890\n");

        var (result, file) = await Convert(csv.ToString(), CsvConversionOptions.Csv with { SampleRows = 10, RowGroupSize = 16 });
        using var _ = file;

        result.Restarted.ShouldBeTrue();
        result.RowCount.ShouldBe(52);
        result.Columns.Select(c => (c.Name, c.Type)).ShouldBe([
            ("id", ColumnType.Int64), ("code", ColumnType.String), ("ratio", ColumnType.Decimal)
        ]);
        file.RowCount.ShouldBe(52);
        file.Values<string?>("code")[50].ShouldBe("A-17");
        file.Values<string?>("code")[51].ShouldBe("52");
        file.Values<decimal?>("ratio")[50].ShouldBe(0.25m);
        file.Values<decimal?>("ratio")[51].ShouldBe(12345678901234567890m);
    }

    [Test]
    public async Task Without_a_rewindable_output_a_late_mismatch_fails_naming_line_column_and_value()
    {
        var csv = "id,code\n1,1\n2,2\n3,x9\n";
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await using var output = new ForwardOnlyStream();

        var error = await Should.ThrowAsync<ConversionException>(() =>
            _converter.ConvertAsync(input, output, CsvConversionOptions.Csv with { SampleRows = 2 }));

        error.LineNumber.ShouldBe(4);
        error.Message.ShouldContain("column 'code'");
        error.Message.ShouldContain("\"x9\"");
    }

    [Test]
    public async Task A_non_seekable_output_receives_a_valid_file()
    {
        await using var input = new MemoryStream("a,b\n1,x\n2,y\n"u8.ToArray());
        await using var output = new ForwardOnlyStream();

        var result = await _converter.ConvertAsync(input, output, CsvConversionOptions.Csv);

        result.OutputBytes.ShouldBe(output.Written.Length);
        using var file = new ParquetFile(output.Written.ToArray());
        file.Values<long?>("a").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task A_non_seekable_input_is_refused()
    {
        await using var output = new MemoryStream();

        await Should.ThrowAsync<ArgumentException>(() =>
            _converter.ConvertAsync(new GeneratedStream(10, 1), output, CsvConversionOptions.Csv));
    }

    [Test]
    public async Task Conversion_starts_at_the_streams_current_positions()
    {
        await using var input = new MemoryStream("ignored\na,b\n1,2\n"u8.ToArray()) { Position = 8 };
        await using var output = new MemoryStream();
        output.Write("prefix"u8);

        var result = await _converter.ConvertAsync(input, output, CsvConversionOptions.Csv);

        result.InputBytes.ShouldBe(input.Length - 8);
        result.OutputBytes.ShouldBe(output.Length - 6);
        using var file = new ParquetFile(output.ToArray()[6..]);
        file.Values<long?>("b").ShouldBe([2L]);
    }

    [Test]
    public async Task Two_hundred_thousand_rows_are_written_in_several_row_groups()
    {
        const int rows = 200_000;
        var csv = new StringBuilder("id,amount,category,when\n");
        for (var i = 0; i < rows; i++)
            csv.Append(i).Append(',').Append(i * 0.25).Append(",cat").Append(i % 7).Append(",2024-01-01T00:00:")
                .Append((i % 60).ToString("00")).Append('\n');

        var (result, file) = await Convert(csv.ToString());
        using var _ = file;

        result.RowCount.ShouldBe(rows);
        result.RowGroupCount.ShouldBe(4); // 65,536 rows each
        file.RowGroupCount.ShouldBe(4);
        file.RowCount.ShouldBe(rows);
        result.OutputBytes.ShouldBeLessThan(result.InputBytes / 4);
        var ids = file.Values<long?>("id");
        ids[0].ShouldBe(0);
        ids[^1].ShouldBe(rows - 1);
        file.Values<double?>("amount")[^1].ShouldBe((rows - 1) * 0.25);
        file.Values<string?>("category")[rows - 1].ShouldBe($"cat{(rows - 1) % 7}");
    }

    [Test]
    public async Task The_row_group_size_is_configurable()
    {
        var csv = "n\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i}\n"));

        var (result, file) = await Convert(csv, CsvConversionOptions.Csv with { RowGroupSize = 100 });
        using var _ = file;

        result.RowGroupCount.ShouldBe(10);
        file.Values<long?>("n").ShouldBe(Enumerable.Range(0, 1000).Select(i => (long?)i).ToArray());
    }
}
