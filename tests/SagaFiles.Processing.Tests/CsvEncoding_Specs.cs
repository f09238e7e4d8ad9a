using System.Text;
using SagaFiles.Processing.Conversion;
using static SagaFiles.Processing.Tests.Support.CsvConversion;

namespace SagaFiles.Processing.Tests;

public class CsvEncoding_Specs
{
    static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    [TestCase(false)]
    [TestCase(true)]
    public async Task Utf8_reads_the_same_with_or_without_a_byte_order_mark(bool bom)
    {
        byte[] text = [.. bom ? "\uFEFF"u8 : [], .. "名前,値\n数据,1\nотчёт,2\n"u8];

        var (result, file) = await Convert(text);
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["名前", "値"]);
        file.Values<string?>("名前").ShouldBe(["数据", "отчёт"]);
        file.Values<long?>("値").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task Text_that_is_not_utf8_but_plausible_windows_1252_is_read_as_such()
    {
        var latin = Windows1252.GetBytes("name,city,price\nJosé,Málaga,€5\n“Zoë”,Köln,\n");

        var (result, file) = await Convert(latin);
        using var _ = file;

        result.Columns.Select(c => c.Name).ShouldBe(["name", "city", "price"]);
        file.Values<string?>("name").ShouldBe(["José", "“Zoë”"]);
        file.Values<string?>("city").ShouldBe(["Málaga", "Köln"]);
        file.Values<string?>("price").ShouldBe(["€5", null]);
    }

    [Test]
    public async Task Bytes_neither_utf8_nor_latin1_fail_naming_the_first_invalid_byte()
    {
        // 0xE9 is no UTF-8 here; the 0x01 control byte further on rules out Latin-1 text.
        byte[] bytes = [.. "a,b\n1,2\n3,caf"u8, 0xE9, .. "\n4,"u8, 0x01, (byte)'\n'];

        var error = await Failure(bytes);

        error.Message.ShouldBe("Line 3: invalid UTF-8 (byte 0xE9 at offset 13), and not Latin-1 text either.");
        error.LineNumber.ShouldBe(3);
    }

    [Test]
    public async Task A_byte_undefined_in_windows_1252_rules_out_latin1()
    {
        byte[] bytes = [.. "a\nx"u8, 0x81, .. "y\n"u8];

        var error = await Failure(bytes);

        error.Message.ShouldBe("Line 2: invalid UTF-8 (byte 0x81 at offset 3), and not Latin-1 text either.");
    }

    [Test]
    public async Task Invalid_utf8_after_a_byte_order_mark_fails_rather_than_falling_back()
    {
        byte[] bytes = [.. "\uFEFFa\n"u8, 0xE9, (byte)'\n'];

        var error = await Failure(bytes);

        error.Message.ShouldBe("Line 2: invalid UTF-8 (byte 0xE9 at offset 5), though its byte order mark says UTF-8.");
    }

    [Test]
    public async Task Invalid_utf8_past_the_sniffed_megabytes_fails_with_its_line_and_offset()
    {
        const string row = "0000001,abcdefg\n"; // 16 bytes
        var rows = InputEncoding.SniffLength / row.Length + 1000;
        var csv = new MemoryStream();
        csv.Write("id,name\n"u8);
        for (var i = 0; i < rows; i++)
            csv.Write(Encoding.ASCII.GetBytes(row));
        csv.Write([.. "9,caf"u8, 0xE9, (byte)'\n']);

        var error = await Failure(csv.ToArray());

        var offset = 8 + 16L * rows + 5;
        error.Message.ShouldBe(
            $"Line {rows + 2}: invalid UTF-8 (byte 0xE9 at offset {offset}), though its first 4 MiB are UTF-8: " +
            "save the whole file as UTF-8.");
        error.LineNumber.ShouldBe(rows + 2);
    }

    [Test]
    public async Task A_character_cut_by_the_end_of_the_sniff_is_still_utf8()
    {
        var csv = new MemoryStream();
        csv.Write("word\n"u8);
        var row = Encoding.ASCII.GetBytes(new string('a', 1023) + "\n");
        while (csv.Length < InputEncoding.SniffLength - 2 * row.Length)
            csv.Write(row);
        csv.Write(Encoding.ASCII.GetBytes(new string('x', InputEncoding.SniffLength - 1 - (int)csv.Length)));
        csv.Write("é\nlast\n"u8); // 'é' is 0xC3 0xA9: the sniff ends between the two

        var (result, file) = await Convert(csv.ToArray());
        using var _ = file;

        var words = file.Values<string?>("word");
        words[^2].ShouldEndWith("xé");
        words[^1].ShouldBe("last");
        result.RowCount.ShouldBe(words.Length);
    }
}
