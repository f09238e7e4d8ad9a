using System.Text;
using static SagaFiles.Processing.Tests.Support.CsvConversion;

namespace SagaFiles.Processing.Tests;

/// <summary>Each malformed input fails with a message naming what is wrong and where, in words a user can act on.</summary>
public class CsvMalformedInput_Specs
{
    static Task<Conversion.ConversionException> Failure(string csv) => Support.CsvConversion.Failure(Encoding.UTF8.GetBytes(csv));

    [Test]
    public async Task A_ragged_row_fails_naming_its_line_after_a_multi_line_field()
    {
        var error = await Failure("a,b,c\n1,2,3\n4,\"five\nstill five\",6\n7,8\n9,10,11\n");

        error.Message.ShouldBe("Line 5: expected 3 fields as in the first row, found 2 (a ragged row).");
        error.LineNumber.ShouldBe(5);
    }

    [Test]
    public async Task A_row_with_too_many_fields_fails_the_same_way()
    {
        var error = await Failure("a,b\n1,2\n3,4,5\n");

        error.Message.ShouldBe("Line 3: expected 2 fields as in the first row, found 3 (a ragged row).");
    }

    [Test]
    public async Task An_unterminated_quote_fails_naming_the_line_it_opens_on()
    {
        var error = await Failure("a,b\n1,2\n3,\"open\n4,5\n6,7\n");

        error.Message.ShouldBe("Line 3: a quoted field is never closed (unterminated quote).");
        error.LineNumber.ShouldBe(3);
    }

    [Test]
    public async Task Text_after_a_closing_quote_fails_naming_the_line()
    {
        var error = await Failure("a,b\n1,2\n3,\"x\"y\n");

        error.Message.ShouldBe("Line 3: text follows the closing quote of a quoted field (write a quote inside quotes as two: \"\").");
        error.LineNumber.ShouldBe(3);
    }

    [TestCase("a,\"b\n1,2\n", "Line 1: a quoted field is never closed (unterminated quote).")]
    [TestCase("\n\"a\"x,b\n1,2\n", "Line 2: text follows the closing quote of a quoted field (write a quote inside quotes as two: \"\").")]
    public async Task A_malformed_first_row_fails_naming_its_line(string csv, string message) =>
        (await Failure(csv)).Message.ShouldBe(message);

    /// <summary>Spreadsheets write 5'11" and 12" unquoted; RFC 4180 forbids it, but the meaning is plain, so it is kept.</summary>
    [Test]
    public async Task A_quote_inside_an_unquoted_field_is_kept_as_a_character()
    {
        var (result, file) = await Convert(Encoding.UTF8.GetBytes("height,item\n5'11\",12\" pizza\n6',a \"big\" one\n"));
        using var _ = file;

        result.RowCount.ShouldBe(2);
        file.Values<string?>("height").ShouldBe(["5'11\"", "6'"]);
        file.Values<string?>("item").ShouldBe(["12\" pizza", "a \"big\" one"]);
    }

    [TestCase("")]
    [TestCase("\n\r\n\n")]
    public async Task An_input_without_rows_fails_saying_so(string csv)
    {
        var error = await Failure(csv);

        error.Message.ShouldBe("The input has no rows: it is empty or holds only blank lines.");
        error.LineNumber.ShouldBeNull();
    }

    [Test]
    public async Task A_header_without_data_rows_fails_naming_the_header()
    {
        var error = await Failure("a,b\n\n");

        error.Message.ShouldBe("The file has a header row (a, b) but no data rows.");
    }

    [Test]
    public async Task Blank_lines_before_the_header_are_skipped_and_lines_still_count_from_the_top()
    {
        var error = await Failure("\n\na,b\n1,2\n3\n");

        error.Message.ShouldStartWith("Line 5: expected 2 fields");
    }
}
