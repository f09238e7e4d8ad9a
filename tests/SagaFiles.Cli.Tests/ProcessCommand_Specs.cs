using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SagaFiles.Processing;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;

namespace SagaFiles.Cli.Tests;

/// <summary><c>sagafiles process</c> run in-process, on files in a temp folder, with no stack running.</summary>
public partial class ProcessCommand_Specs
{
    string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("sagafiles-cli-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    string Out => Path.Combine(_folder, "out");

    string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

    static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await Program.RunAsync(args, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Several row groups' worth of mixed columns (integers, decimals, dates, text with quotes and gaps).</summary>
    static string Csv(int rows)
    {
        var csv = new StringBuilder("id,amount,day,name,note\n");
        for (var i = 0; i < rows; i++)
            csv.Append(CultureInfo.InvariantCulture,
                $"{i},{i * 1.25m},{new DateOnly(2024, 1, 1).AddDays(i % 400):yyyy-MM-dd},\"name, {i % 97}\",{(i % 7 == 0 ? "" : "n" + i)}\n");
        return csv.ToString();
    }

    /// <summary>What the worker's convert step stores for the same input: it runs this processor with the default limits
    /// (Processing:Limits unset) on the staged original, detected the same way.</summary>
    static async Task<byte[]> WorkerParquetAsync(byte[] content, string name)
    {
        var outputs = new MemoryOutputs();
        await using var input = new MemoryStream(content);
        var outcome = await new ParquetConversionProcessor(ProcessingLimits.Default).ProcessAsync(
            new ProcessingInput(input, name, FileTypeDetector.Detect(content, name), 0), outputs, CancellationToken.None);
        return outputs.Results[outcome.Results.Single().Name].ToArray();
    }

    [Test]
    public async Task A_csv_becomes_the_same_parquet_bytes_as_the_workers_processor_gives()
    {
        var csv = Encoding.UTF8.GetBytes(Csv(300_000));
        var file = Write("sales.csv", csv);

        var (exitCode, output, error) = await RunAsync("process", file, "--out", Out);

        exitCode.ShouldBe(Program.Succeeded, error);
        var written = await File.ReadAllBytesAsync(Path.Combine(Out, "sales.parquet"));
        written[..4].ShouldBe(Encoding.ASCII.GetBytes("PAR1"));
        var expected = await WorkerParquetAsync(csv, "sales.csv");
        written.Length.ShouldBe(expected.Length);
        written.AsSpan().SequenceEqual(expected).ShouldBeTrue("the CLI's Parquet differs from the processor's");
        var text = Flat(output);
        text.ShouldContain("sales.csv csv (tabular) -> parquet");
        text.ShouldContain("sha256 " + Convert.ToHexStringLower(SHA256.HashData(csv)));
        text.ShouldContain("-> sales.parquet 300,000 rows, " + written.Length.ToString("N0", CultureInfo.InvariantCulture) + " bytes");
        text.ShouldContain("1 files: 1 processed, 0 failed; 1 outputs in " + Out);
    }

    [Test]
    public async Task A_bad_file_fails_with_its_reason_exit_code_1_and_no_output_while_the_others_are_processed()
    {
        var bad = Write("broken.json", "{\"a\": [1,");
        var good = Write("good.csv", Csv(10));

        var empty = Write("empty.csv", "");

        var (exitCode, output, _) = await RunAsync("process", bad, good, Path.Combine(_folder, "missing.csv"), empty, "--out", Out);

        exitCode.ShouldBe(Program.FileFailed);
        var text = Flat(output);
        text.ShouldContain("broken.json json (tabular) -> parquet");
        text.ShouldContain("failed: Line 1: the JSON ends before the document is complete");
        text.ShouldContain("missing.csv failed: The file does not exist.");
        text.ShouldContain("empty.csv failed: The file is empty (0 bytes).");
        text.ShouldContain("4 files: 1 processed, 3 failed; 1 outputs");
        Directory.GetFiles(Out, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ShouldBe(["good.parquet"]);
    }

    [TestCase("", TestName = "No command")]
    [TestCase("process", TestName = "No file")]
    [TestCase("process a.csv --bogus", TestName = "An unknown option")]
    [TestCase("frobnicate a.csv", TestName = "An unknown command")]
    [TestCase("process a.csv --out", TestName = "--out without a folder")]
    public async Task A_usage_error_exits_2_with_the_usage(string commandLine)
    {
        var (exitCode, output, error) = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        exitCode.ShouldBe(Program.UsageError);
        error.ShouldContain("Usage: sagafiles process FILE... [--out DIR] [--json]");
        output.ShouldBeEmpty();
    }

    [TestCase("process --help", "--out")]
    [TestCase("--help", "process <FILE>")]
    public async Task Help_is_printed_and_exits_0(string commandLine, string expected)
    {
        var (exitCode, output, _) = await RunAsync(commandLine.Split(' '));

        exitCode.ShouldBe(Program.Succeeded);
        output.ShouldContain(expected);
    }

    [Test]
    public async Task An_out_folder_that_is_a_file_is_a_usage_error()
    {
        var file = Write("a.csv", Csv(3));

        var (exitCode, _, error) = await RunAsync("process", file, "--out", file);

        exitCode.ShouldBe(Program.UsageError);
        error.ShouldContain("--out " + file);
    }

    [Test]
    public async Task Json_is_one_document_with_every_file_and_archive_entry()
    {
        var csv = Encoding.UTF8.GetBytes(Csv(20));
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var entry = await archive.CreateEntry("dir/inner.csv").OpenAsync())
                await entry.WriteAsync(csv);
            await using (var entry = await archive.CreateEntry("logo.png").OpenAsync())
                await entry.WriteAsync(png);
        }

        var files = new[] { Write("batch.zip", zip.ToArray()), Write("bad.json", "[1, 2"), Write("plain.csv", csv) };

        var (exitCode, output, _) = await RunAsync(["process", .. files, "--json", "--out", Out]);

        exitCode.ShouldBe(Program.FileFailed);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("output").GetString().ShouldBe(Out);
        root.GetProperty("files").GetInt32().ShouldBe(5);
        root.GetProperty("failed").GetInt32().ShouldBe(1);
        var results = root.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("file").GetString()!);
        results.Keys.ShouldBe(["batch.zip", "batch.zip/dir/inner.csv", "batch.zip/logo.png", "bad.json", "plain.csv"]);

        results["batch.zip"].GetProperty("processor").GetString().ShouldBe("archive");
        results["batch.zip"].GetProperty("entries").GetInt32().ShouldBe(2);
        var inner = results["batch.zip/dir/inner.csv"];
        inner.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(csv)));
        var parquet = inner.GetProperty("outputs")[0];
        parquet.GetProperty("rows").GetInt64().ShouldBe(20);
        parquet.GetProperty("path").GetString().ShouldBe(Path.Combine(Out, "batch.zip", "dir", "inner.parquet"));
        new FileInfo(parquet.GetProperty("path").GetString()!).Length.ShouldBe(parquet.GetProperty("size").GetInt64());
        var logo = results["batch.zip/logo.png"];
        logo.GetProperty("processor").GetString().ShouldBe("pass-through");
        (await File.ReadAllBytesAsync(logo.GetProperty("outputs")[0].GetProperty("path").GetString()!)).ShouldBe(png);
        results["bad.json"].GetProperty("error").GetString().ShouldNotBeNullOrEmpty();
        results["bad.json"].GetProperty("outputs").GetArrayLength().ShouldBe(0);
        results["plain.csv"].GetProperty("outputs")[0].GetProperty("format").GetString().ShouldBe("parquet");
    }

    [Test]
    public async Task Two_inputs_that_would_write_the_same_result_fail_the_second_instead_of_overwriting()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "other"));
        var first = Write("data.csv", Csv(5));
        var second = Write(Path.Combine("other", "data.csv"), Csv(6));

        var (exitCode, output, _) = await RunAsync("process", first, second, "--out", Out);

        exitCode.ShouldBe(Program.FileFailed);
        Flat(output).ShouldContain("failed: Another input already wrote " + Path.Combine(Out, "data.parquet"));
        Directory.GetFiles(Out).Select(Path.GetFileName).ShouldBe(["data.parquet"]);
    }

    [Test]
    public async Task The_workers_processing_settings_apply_from_a_settings_file()
    {
        var settings = Write("appsettings.json", """
            { "Processing": { "Limits": { "MaxColumns": 4 }, "Routes": [
              { "Types": [ "tsv" ], "Processor": "pass-through" }, { "Types": [ "csv" ], "Processor": "parquet" } ] } }
            """);
        var csv = Write("wide.csv", Csv(3));
        var tsv = Write("table.tsv", "a\tb\n1\t2\n3\t4\n");

        var (exitCode, output, _) = await RunAsync("process", csv, tsv, "--settings", settings, "--json", "--out", Out);

        exitCode.ShouldBe(Program.FileFailed);
        var results = JsonDocument.Parse(output).RootElement.GetProperty("results");
        results[0].GetProperty("error").GetString()!.ShouldContain("limit MaxColumns, raise Processing:Limits:MaxColumns");
        results[1].GetProperty("processor").GetString().ShouldBe("pass-through");
        results[1].GetProperty("outputs")[0].GetProperty("format").GetString().ShouldBe("original");
    }

    [TestCase("""{ "Processing": { "Limits": { "MaxColumns": 0 } } }""", "Processing:Limits: MaxColumns")]
    [TestCase("""{ "Processing": { "Routes": [ { "Types": [ "csv" ], "Processor": "thumbnail" } ] } }""", "unknown processor 'thumbnail'")]
    [TestCase("""{ "Processing": { "Archives": { "MaxDepth": 0 } } }""", "Processing:Archives:MaxDepth must be at least 1")]
    [TestCase("""{ "Processing": """, "appsettings.json")]
    public async Task Invalid_settings_are_a_usage_error_naming_the_setting(string json, string expected)
    {
        var settings = Write("appsettings.json", json);

        var (exitCode, _, error) = await RunAsync("process", Write("a.csv", Csv(3)), "--settings", settings, "--out", Out);

        exitCode.ShouldBe(Program.UsageError);
        error.ShouldContain(expected);
        Directory.Exists(Out).ShouldBeFalse();
    }

    /// <summary>The console wraps long lines; the specs read the words.</summary>
    static string Flat(string text) => Whitespace().Replace(text, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    sealed class MemoryOutputs : IProcessingOutputs
    {
        public Dictionary<string, MemoryStream> Results { get; } = [];

        public Stream CreateResult(string name) => Results[name] = new MemoryStream();

        public Task<long> AddChildAsync(string path, Stream content, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A CSV has no children.");
    }
}
