using System.Text;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

public class FileProcessorRegistry_Specs
{
    readonly FileProcessorRegistry _registry = FileProcessorRegistry.CreateDefault();

    static DetectedFileType Detect(string content, string name) => FileTypeDetector.Detect(Encoding.UTF8.GetBytes(content), name);

    [TestCase("a,b\n1,2\n3,4\n", "data.csv", ProcessorKind.ParquetConversion)]
    [TestCase("a\tb\n1\t2\n3\t4\n", "data.tsv", ProcessorKind.ParquetConversion)]
    [TestCase("{\"a\":1}", "data.json", ProcessorKind.PassThrough)]
    [TestCase("just some words", "notes.txt", ProcessorKind.PassThrough)]
    [TestCase("", "empty.csv", ProcessorKind.PassThrough)]
    public void Delimited_text_goes_to_parquet_and_everything_else_passes_through(string content, string name,
        ProcessorKind kind)
    {
        _registry.Resolve(Detect(content, name)).Kind.ShouldBe(kind);
    }

    [Test]
    public void A_new_processor_is_one_class_and_one_registration()
    {
        var registry = new FileProcessorRegistry([new ParquetConversionProcessor(), new UppercaseTextProcessor()]);

        registry.Resolve(Detect("hello", "a.txt")).ShouldBeOfType<UppercaseTextProcessor>();
        registry.Resolve(Detect("a,b\n1,2\n", "a.csv")).Kind.ShouldBe(ProcessorKind.ParquetConversion);
        registry.Resolve(Detect("{}", "a.json")).Kind.ShouldBe(ProcessorKind.PassThrough);
    }

    [Test]
    public async Task The_parquet_processor_converts_and_names_its_output()
    {
        var processor = _registry.Resolve(Detect("a;b\n1;x\n2;y\n", "отчёт.csv"));
        await using var input = new MemoryStream("a;b\n1;x\n2;y\n"u8.ToArray());
        await using var output = new MemoryStream();

        var result = await processor.ProcessAsync(input, output, Detect("a;b\n1;x\n2;y\n", "отчёт.csv"), CancellationToken.None);

        processor.OutputFileName("отчёт.csv").ShouldBe("отчёт.parquet");
        result.MediaType.ShouldBe("application/vnd.apache.parquet");
        result.Conversion.ShouldNotBeNull().RowCount.ShouldBe(2);
        result.OutputBytes.ShouldBe(output.Length);
        using var file = new ParquetFile(output.ToArray());
        file.Values<string?>("b").ShouldBe(["x", "y"]);
    }

    [Test]
    public async Task Pass_through_copies_the_bytes_unchanged()
    {
        var content = Enumerable.Range(0, 3_000_000).Select(i => (byte)i).ToArray();
        await using var input = new MemoryStream(content);
        await using var output = new MemoryStream();
        var type = FileTypeDetector.Detect(content, "blob.bin");

        var result = await _registry.Resolve(type).ProcessAsync(input, output, type, CancellationToken.None);

        result.Kind.ShouldBe(ProcessorKind.PassThrough);
        result.InputBytes.ShouldBe(content.Length);
        output.ToArray().ShouldBe(content);
    }

    sealed class UppercaseTextProcessor : IFileProcessor
    {
        public ProcessorKind Kind => (ProcessorKind)100; // a real one adds its member to ProcessorKind
        public bool CanProcess(DetectedFileType type) => type.Kind == FileKind.Text;
        public string OutputFileName(string fileName) => fileName;

        public Task<ProcessingResult> ProcessAsync(Stream input, Stream output, DetectedFileType type,
            CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
