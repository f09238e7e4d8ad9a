using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Processors;

public class ParquetConversionProcessor_Specs
{
    readonly ParquetConversionProcessor _processor = new(ProcessingLimits.Default);

    static async Task<(ProcessingOutcome Outcome, MemoryOutputs Outputs)> ProcessAsync(string content, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var outputs = new MemoryOutputs();
        await using var input = new MemoryStream(bytes);
        var outcome = await new ParquetConversionProcessor(ProcessingLimits.Default).ProcessAsync(
            new ProcessingInput(input, name, FileTypeDetector.Detect(bytes, name), ArchiveDepth: 0), outputs, CancellationToken.None);
        return (outcome, outputs);
    }

    [Test]
    public async Task A_CSV_becomes_one_Parquet_result_named_after_it_with_its_table_shape()
    {
        var (outcome, outputs) = await ProcessAsync("a;b\n1;x\n2;y\n", "отчёт.csv");

        _processor.Name.ShouldBe("parquet");
        outcome.ExpandsIntoChildren.ShouldBeFalse();
        var result = outcome.Results.ShouldHaveSingleItem();
        result.Name.ShouldBe("отчёт.parquet");
        result.Format.ShouldBe("parquet");
        result.MediaType.ShouldBe("application/vnd.apache.parquet");
        var table = result.Table.ShouldNotBeNull();
        table.RowCount.ShouldBe(2);
        table.OutputBytes.ShouldBe(outputs.Results["отчёт.parquet"].Length);
        using var file = new ParquetFile(outputs.Results["отчёт.parquet"].ToArray());
        file.Values<string?>("b").ShouldBe(["x", "y"]);
    }

    [Test]
    public async Task A_SQL_dump_becomes_one_result_per_table_in_the_order_they_were_created()
    {
        var (outcome, outputs) = await ProcessAsync(
            "CREATE TABLE b (id int);\nCREATE TABLE a (name text);\nINSERT INTO a VALUES ('x');\nINSERT INTO b VALUES (1), (2);\n", "dump.sql");

        outcome.Results.Select(r => (r.Name, r.Table!.RowCount)).ShouldBe([("b.parquet", 2L), ("a.parquet", 1L)]);
        outputs.Results.Keys.ShouldBe(["a.parquet", "b.parquet"], ignoreOrder: true);
        using var file = new ParquetFile(outputs.Results["b.parquet"].ToArray());
        file.Values<long?>("id").ShouldBe([1L, 2L]);
    }

    [Test]
    public async Task A_JSON_array_becomes_one_result()
    {
        var (outcome, outputs) = await ProcessAsync("[{\"a\":1,\"b\":{\"c\":\"x\"}}]", "data.json");

        var result = outcome.Results.ShouldHaveSingleItem();
        result.Name.ShouldBe("data.parquet");
        result.Table!.Columns.Select(c => c.Name).ShouldBe(["a", "b.c"]);
        using var file = new ParquetFile(outputs.Results["data.parquet"].ToArray());
        file.Values<string?>("b.c").ShouldBe(["x"]);
    }

    [Test]
    public async Task Binary_content_named_csv_fails_saying_what_the_name_claims_and_what_the_content_is()
    {
        var error = await Should.ThrowAsync<ConversionException>(() => ProcessAsync("\0\u0001\u0002binary", "export.csv"));

        error.Message.ShouldBe("The name says csv (.csv), but the content is binary, not text: export it as csv text (UTF-8), " +
                               "or upload it under the extension of what it is.");
    }

    [Test]
    public async Task Content_it_cannot_convert_is_refused_with_a_reason()
    {
        var error = await Should.ThrowAsync<ConversionException>(() => ProcessAsync("hello", "a.txt"));

        error.Message.ShouldBe("text content cannot be converted to Parquet.");
    }
}
