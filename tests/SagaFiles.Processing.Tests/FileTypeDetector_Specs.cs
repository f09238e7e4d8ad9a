using System.Text;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Tests;

public class FileTypeDetector_Specs
{
    static byte[] Bytes(params int[] values) => values.Select(v => (byte)v).Concat(new byte[64]).ToArray();

    static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    static IEnumerable<TestCaseData> MagicNumbers()
    {
        yield return new TestCaseData(Bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A), FileKind.Png, "image/png", ".png");
        yield return new TestCaseData(Bytes(0xFF, 0xD8, 0xFF, 0xE0), FileKind.Jpeg, "image/jpeg", ".jpg");
        yield return new TestCaseData(Utf8("GIF89a\x01\0\x01\0"), FileKind.Gif, "image/gif", ".gif");
        yield return new TestCaseData(Utf8("GIF87a\x01\0\x01\0"), FileKind.Gif, "image/gif", ".gif");
        yield return new TestCaseData(Utf8("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj"), FileKind.Pdf, "application/pdf", ".pdf");
        yield return new TestCaseData(Bytes('P', 'K', 3, 4, 20, 0), FileKind.Zip, "application/zip", ".zip");
        yield return new TestCaseData(Bytes('P', 'K', 5, 6), FileKind.Zip, "application/zip", ".zip");
        yield return new TestCaseData(Bytes(0x1F, 0x8B, 0x08, 0), FileKind.GZip, "application/gzip", ".gz");
        yield return new TestCaseData(Utf8("PAR1\x15\x04"), FileKind.Parquet, "application/vnd.apache.parquet", ".parquet");
        yield return new TestCaseData(Utf8("SQLite format 3\0\x10\0"), FileKind.Sqlite, "application/vnd.sqlite3", ".sqlite");
        yield return new TestCaseData(Tar(), FileKind.Tar, "application/x-tar", ".tar");
        yield return new TestCaseData(Bytes(0x00, 0x01, 0x02, 0xFE, 0x7F), FileKind.Binary, "application/octet-stream", ".bin");
        yield return new TestCaseData(Array.Empty<byte>(), FileKind.Empty, "application/octet-stream", "");
    }

    static byte[] Tar()
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes("hello.txt").CopyTo(header, 0);
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        return header;
    }

    [TestCaseSource(nameof(MagicNumbers))]
    public void Binary_formats_are_recognised_by_their_magic_numbers(byte[] content, FileKind kind, string mediaType,
        string extension)
    {
        var detected = FileTypeDetector.Detect(content, "upload");

        detected.Kind.ShouldBe(kind);
        detected.MediaType.ShouldBe(mediaType);
        detected.Extension.ShouldBe(extension);
    }

    [Test]
    public void Content_wins_over_a_misleading_extension()
    {
        var png = Bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);

        FileTypeDetector.Detect(png, "report.csv").Kind.ShouldBe(FileKind.Png);
        FileTypeDetector.Detect(Utf8("{\"a\": 1}"), "data.csv").Kind.ShouldBe(FileKind.Json);
    }

    [Test]
    public void An_office_document_is_a_zip_that_keeps_its_extension()
    {
        var detected = FileTypeDetector.Detect(Bytes('P', 'K', 3, 4), "Budget.XLSX");

        detected.Kind.ShouldBe(FileKind.Zip);
        detected.Extension.ShouldBe(".xlsx");
    }

    [TestCase("id,name,amount\n1,Ann,10.5\n2,Bob,7\n", FileKind.Csv, ',')]
    [TestCase("id\tname\tamount\n1\tAnn\t10.5\n2\tBob\t7\n", FileKind.Tsv, '\t')]
    [TestCase("id;name;amount\n1;Ann;10,5\n2;Bob;7\n", FileKind.Csv, ';')]
    [TestCase("id,comment\n1,\"hello, world\"\n2,\"two\nlines\"\n3,plain\n", FileKind.Csv, ',')]
    [TestCase("\uFEFFid,name\r\n1,Ann\r\n2,Bob\r\n", FileKind.Csv, ',')]
    public void Delimited_text_is_recognised_by_a_consistent_field_count(string content, FileKind kind, char delimiter)
    {
        var detected = FileTypeDetector.Detect(Utf8(content), "upload.dat");

        detected.Kind.ShouldBe(kind);
        detected.Delimiter.ShouldBe(delimiter);
        detected.Category.ShouldBe(FileKinds.Tabular);
    }

    [TestCase("{\"name\": \"x\", \"values\": [1, 2, 3]}", FileKind.Json)]
    [TestCase("\uFEFF  \n [1, 2, {\"a\": null}]\n", FileKind.Json)]
    [TestCase("{\n  \"pretty\": true,\n  \"nested\": {\"a\": 1}\n}\n", FileKind.Json)]
    [TestCase("{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":3,\"name\":\"c\"}\n", FileKind.JsonLines)]
    [TestCase("{\"x\": 1.5, \"y\": NaN}\n{\"x\": Infinity, \"y\": 2.0}\n{\"x\": -Infinity, \"y\": null}\n", FileKind.JsonLines)]
    [TestCase("{\n  \"id\": 1,\n  \"name\": \"a\"\n}\n{\n  \"id\": 2,\n  \"name\": \"b\"\n}\n", FileKind.Json)]
    [TestCase("-- PostgreSQL database dump\nSET statement_timeout = 0;\nCREATE TABLE public.t (id integer);\n", FileKind.SqlDump)]
    [TestCase("--\n-- PostgreSQL database dump\n--\n\n\\restrict 7fGhQ2mZ\n\nSET statement_timeout = 0;\nCREATE TABLE public.t (id integer);\n", FileKind.SqlDump)]
    [TestCase("/*!40101 SET NAMES utf8 */;\nDROP TABLE IF EXISTS `t`;\nINSERT INTO `t` VALUES (1,'a'),(2,'b');\n", FileKind.SqlDump)]
    [TestCase("Dear reader,\nthis is a plain letter.\nRegards", FileKind.Text)]
    public void Kinds_of_text_are_told_apart(string content, FileKind kind)
    {
        FileTypeDetector.Detect(Utf8(content), "upload").Kind.ShouldBe(kind);
    }

    [TestCase("{\"a\": 1, \"b\": 2}\n{\"a\": 3, \"b\": 'x'}\n{\"a\": 4, \"b\": 5}\n", "events.jsonl", FileKind.JsonLines)]
    [TestCase("{'a': 1, 'b': None}\n{'a': 2, 'b': 'x'}\n", "dump.json", FileKind.Json)]
    [TestCase("{\"a\":1},\n{\"a\":2},\n", "rows.json", FileKind.Json)]
    public void Malformed_json_named_json_is_json_to_fail_naming_its_line_not_a_csv(string content, string name, FileKind kind)
    {
        FileTypeDetector.Detect(Utf8(content), name).Kind.ShouldBe(kind);
    }

    [Test]
    public void Text_that_is_not_valid_json_is_not_json()
    {
        FileTypeDetector.Detect(Utf8("{ this is not json }"), null).Kind.ShouldBe(FileKind.Text);
    }

    [Test]
    public void Prose_in_a_sql_tutorial_is_not_a_dump()
    {
        var tutorial = "How to use SQL\n\nFirst run CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n";

        FileTypeDetector.Detect(Utf8(tutorial), "notes.md").Kind.ShouldBe(FileKind.Text);
    }

    [TestCase("report.csv", FileKind.Csv)]
    [TestCase("report.tsv", FileKind.Tsv)]
    [TestCase("report.txt", FileKind.Text)]
    [TestCase("report", FileKind.Text)]
    public void The_extension_decides_only_when_the_content_is_ambiguous(string fileName, FileKind kind)
    {
        // One column: no delimiter to find, so it could be a list or a one-column table.
        var detected = FileTypeDetector.Detect(Utf8("name\nAnn\nBob\n"), fileName);

        detected.Kind.ShouldBe(kind);
    }

    [Test]
    public void Two_columns_of_prose_in_a_text_file_stay_text()
    {
        var content = "Hello, world\nGoodbye, world\n";

        FileTypeDetector.Detect(Utf8(content), "greetings.txt").Kind.ShouldBe(FileKind.Text);
        FileTypeDetector.Detect(Utf8(content), "greetings.csv").Kind.ShouldBe(FileKind.Csv);
    }

    [Test]
    public void Non_latin_text_is_text()
    {
        var detected = FileTypeDetector.Detect(Utf8("Отчёт за 2024 год\n数据分析报告\n"), "отчёт.txt");

        detected.Kind.ShouldBe(FileKind.Text);
        detected.Extension.ShouldBe(".txt");
    }

    [Test]
    public void Utf16_with_a_byte_order_mark_is_sniffed_as_text()
    {
        var content = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a\tb\tc\n1\t2\t3\n4\t5\t6\n")).ToArray();

        FileTypeDetector.Detect(content, "export.txt").Kind.ShouldBe(FileKind.Tsv);
    }

    [Test]
    public void Latin1_text_is_text_and_its_kind_is_sniffed_as_for_utf8()
    {
        var latin1 = Encoding.Latin1.GetBytes("caf\u00e9,cr\u00e8me\n1,2\n");

        FileTypeDetector.Detect(latin1, "menu.csv").Kind.ShouldBe(FileKind.Csv);
    }

    [TestCase(new byte[] { 0x63, 0xE9, 0x2C, 0x01, 0x0A, 0x31, 0x2C, 0x32, 0x0A }, TestName = "{m}(a control byte)")]
    [TestCase(new byte[] { 0x63, 0xE9, 0x2C, 0x81, 0x0A, 0x31, 0x2C, 0x32, 0x0A }, TestName = "{m}(a byte undefined in Windows-1252)")]
    [TestCase(new byte[] { 0xEF, 0xBB, 0xBF, 0x63, 0xE9, 0x2C, 0x0A, 0x31, 0x2C, 0x32, 0x0A }, TestName = "{m}(after a UTF-8 BOM)")]
    public void Invalid_utf8_that_cannot_be_latin1_text_is_binary(byte[] content) =>
        FileTypeDetector.Detect(content, "menu.csv").Kind.ShouldBe(FileKind.Binary);

    [Test]
    public void A_long_file_is_judged_on_its_prefix_even_when_it_cuts_a_character_in_two()
    {
        // One of the two paddings puts the 64 KiB boundary inside a two-byte Cyrillic letter.
        var cuts = 0;
        foreach (var padding in new[] { "", "x" })
        {
            var builder = new StringBuilder($"id{padding},city\n");
            for (var i = 0; builder.Length < FileTypeDetector.PrefixLength; i++)
                builder.Append(i).Append(",Санкт-Петербург\n");
            var content = Utf8(builder.ToString());
            if ((content[FileTypeDetector.PrefixLength] & 0xC0) == 0x80)
                cuts++;

            FileTypeDetector.Detect(content, null).Kind.ShouldBe(FileKind.Csv);
        }

        cuts.ShouldBe(1);
    }

    [Test]
    public async Task Detection_from_a_stream_reads_no_more_than_the_prefix()
    {
        var content = Utf8(string.Concat(Enumerable.Repeat("{\"id\":1}\n", 20_000)));
        await using var stream = new MemoryStream(content);

        var detected = await FileTypeDetector.DetectAsync(stream, "events.log");

        detected.Kind.ShouldBe(FileKind.JsonLines);
        stream.Position.ShouldBe(FileTypeDetector.PrefixLength);
    }
}
