using System.Text;
using SagaFiles.Processing.Conversion;
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
