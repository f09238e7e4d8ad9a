using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Conversion.Json;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

/// <summary>Numbers with few digits whose exponent takes them past what a double holds: they stay text.</summary>
public class DoubleRange_Specs
{
    [TestCase("1e400")]
    [TestCase("-2.5E+309")]
    [TestCase("1e-400")]
    [TestCase("1.234567891234e-320")]
    public void A_number_a_double_cannot_hold_is_not_a_double(string text) =>
        FieldParsers.TryParseDouble(text, out _).ShouldBeFalse();

    [TestCase("5e-324")]
    [TestCase("2.5e-320")]
    [TestCase("0e5")]
    [TestCase("-0.0e-400")]
    public void A_subnormal_or_zero_that_reads_back_the_same_is_a_double(string text) =>
        FieldParsers.TryParseDouble(text, out _).ShouldBeTrue();

    [TestCase("1.5", "1e400")]
    [TestCase("1e-400", "2")]
    [TestCase("0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")]
    public void A_column_holding_such_a_number_is_text(params string[] values)
    {
        var profile = new ColumnProfile();
        foreach (var value in values)
            profile.Observe(value);
        profile.Infer().Type.ShouldBe(ColumnType.String);
    }

    [Test]
    public async Task A_csv_column_with_a_number_past_a_doubles_range_converts_as_text()
    {
        var (result, file) = await CsvConversion.Convert("x,y\n1e400,1\n2.5,2\n"u8.ToArray());
        using var _ = file;

        result.Columns[0].Type.ShouldBe(ColumnType.String);
        file.Values<string?>("x").ShouldBe(["1e400", "2.5"]);
    }

    [Test]
    public async Task A_json_number_past_a_doubles_range_converts_as_text()
    {
        await using var input = new MemoryStream("{\"f\": 1.0}\n{\"f\": 1e400}\n"u8.ToArray());
        await using var output = new MemoryStream();
        var result = await new JsonToParquetConverter().ConvertAsync(input, output, JsonConversionOptions.JsonLines);
        using var file = new ParquetFile(output.ToArray());

        result.Columns[0].Type.ShouldBe(ColumnType.String);
        file.Values<string?>("f").ShouldBe(["1.0", "1e400"]);
    }
}
