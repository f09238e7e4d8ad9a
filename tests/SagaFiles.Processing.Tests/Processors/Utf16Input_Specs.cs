using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Processors;

/// <summary>UTF-16 text with its byte order mark, as Excel's "Unicode Text", SQL Server and Windows PowerShell save it.</summary>
public class Utf16Input_Specs
{
    static async Task<(ProcessingOutcome Outcome, MemoryOutputs Outputs)> ProcessAsync(byte[] bytes, string name)
    {
        var outputs = new MemoryOutputs();
        await using var input = new MemoryStream(bytes);
        var outcome = await new ParquetConversionProcessor(ProcessingLimits.Default).ProcessAsync(
            new ProcessingInput(input, name, FileTypeDetector.Detect(bytes, name), ArchiveDepth: 0), outputs,
            CancellationToken.None);
        return (outcome, outputs);
    }

    static byte[] Utf16(string text, bool bigEndian = false)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        return [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_utf16_tab_separated_export_converts_like_its_utf8_text(bool bigEndian)
    {
        var (outcome, outputs) = await ProcessAsync(Utf16("id\tname\tprice\r\n1\tZoë\t1.5\r\n2\t日本 😀\t2.25\r\n", bigEndian),
            "export.txt");

        outcome.Results.ShouldHaveSingleItem().Table!.RowCount.ShouldBe(2);
        using var file = new ParquetFile(outputs.Results["export.parquet"].ToArray());
        file.Values<long?>("id").ShouldBe([1L, 2L]);
        file.Values<string?>("name").ShouldBe(["Zoë", "日本 😀"]);
        file.Values<double?>("price").ShouldBe([1.5, 2.25]);
    }

    [Test]
    public async Task A_utf16_json_file_converts()
    {
        var (_, outputs) = await ProcessAsync(Utf16("[{\"a\": 1, \"b\": \"é\"}, {\"a\": 2, \"b\": null}]"), "data.json");

        using var file = new ParquetFile(outputs.Results["data.parquet"].ToArray());
        file.Values<string?>("b").ShouldBe(["é", null]);
    }

    [Test]
    public async Task A_utf16_sql_dump_converts()
    {
        var (_, outputs) = await ProcessAsync(Utf16("CREATE TABLE t (id int, s text);\nINSERT INTO t VALUES (1, 'ü');\n"),
            "dump.sql");

        using var file = new ParquetFile(outputs.Results["t.parquet"].ToArray());
        file.Values<string?>("s").ShouldBe(["ü"]);
    }

    [Test]
    public async Task A_lone_surrogate_fails_naming_utf16()
    {
        byte[] bytes = [.. Utf16("a,b\n1,2\n3,"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("x\n")];

        var error = await Should.ThrowAsync<ConversionException>(() => ProcessAsync(bytes, "broken.csv"));

        error.Message.ShouldContain("UTF-16");
    }
}
