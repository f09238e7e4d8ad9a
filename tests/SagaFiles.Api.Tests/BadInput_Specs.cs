using System.Text;
using System.Text.Json;

namespace SagaFiles.Api.Tests;

/// <summary>
/// What users send by mistake. Each case ends in a precise 4xx, a Failed file with a reason the user can act on, or a
/// documented pass-through; none crashes a process or wedges a queue: a good CSV uploaded after them still completes.
/// </summary>
public class BadInput_Specs
{
    static readonly byte[] GoodCsv = "a,b\n1,2\n"u8.ToArray();

    [Test]
    public async Task An_empty_file_fails_at_download_saying_it_is_empty()
    {
        var file = await Settle([], "empty.csv");

        Failed(file, FileSteps.Download).ShouldContain("empty");
    }

    [TestCase("a,b,c\n1,2,3\n4,5\n6,7,8\n", "ragged.csv", "Line 3: expected 3 fields as in the first row, found 2")]
    [TestCase("a,b\n1,2\n3,\"open\n4,5\n", "quotes.csv", "Line 3: a quoted field is never closed")]
    public async Task A_malformed_csv_fails_at_convert_naming_the_line(string csv, string name, string expected)
    {
        var file = await Settle(Encoding.UTF8.GetBytes(csv), name);

        Failed(file, FileSteps.Convert).ShouldContain(expected);
    }

    /// <summary>
    /// Bytes that are not UTF-8 but read as Windows-1252/Latin-1 text (a spreadsheet's "ANSI" export) are text: the file
    /// is typed "csv" and converts, its accents read as meant. Random bytes stay "binary" (see below).
    /// </summary>
    [Test]
    public async Task A_latin1_csv_is_detected_as_csv_and_converts_with_its_accents()
    {
        var latin1 = "name,city\nJos"u8.ToArray().Append((byte)0xE9).Concat(",M"u8.ToArray()).Append((byte)0xE1).Concat("laga\n"u8.ToArray()).ToArray();

        var file = await Settle(latin1, "latin1.csv");

        Completed(file);
        file.GetProperty("detectedType").GetString().ShouldBe("csv");
        file.GetProperty("outputs")[0].GetProperty("rows").GetInt64().ShouldBe(1);
        using var reader = new ParquetSharp.ParquetFileReader(new MemoryStream(await Files.Download(Id(file), "result")));
        using var rowGroup = reader.RowGroup(0);
        rowGroup.Column(0).LogicalReader<string?>().ReadAll(1).ShouldBe(["José"]);
        rowGroup.Column(1).LogicalReader<string?>().ReadAll(1).ShouldBe(["Málaga"]);
    }

    /// <summary>A .json that is not a whole JSON document is still routed as JSON, and its converter says what is wrong.</summary>
    [Test]
    public async Task Truncated_json_fails_at_convert_saying_it_is_truncated()
    {
        var file = await Settle("{\"items\": [1, 2, {\"a\": "u8.ToArray(), "cut.json");

        file.GetProperty("detectedType").GetString().ShouldBe("json");
        Failed(file, FileSteps.Convert).ShouldContain("truncated");
    }

    /// <summary>Random bytes named .csv are typed binary by their content, but fail as the CSV they claim to be.</summary>
    [Test]
    public async Task Binary_content_named_csv_fails_at_convert_saying_it_is_binary()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var file = await Settle(bytes, "random.csv");

        file.GetProperty("detectedType").GetString().ShouldBe("binary");
        Failed(file, FileSteps.Convert).ShouldContain("the content is binary, not text");
    }

    [TestCase("../../etc/passwd.csv", "passwd.csv")]
    [TestCase("..\\..\\windows\\win.ini.csv", "win.ini.csv")]
    [TestCase("/abs/path/data.csv", "data.csv")]
    [TestCase("..", "file")]
    [TestCase("отчёт 2024.csv", "отчёт 2024.csv")]
    [TestCase("数据.csv", "数据.csv")]
    public async Task Odd_file_names_complete_with_a_key_inside_the_files_own_folder(string name, string storedName)
    {
        var file = await Settle(GoodCsv, name);

        Completed(file);
        file.GetProperty("originalName").GetString().ShouldBe(name, "the name is shown as given");
        file.GetProperty("key").GetString().ShouldBe($"{SagaFilesApp.Tenant}/uploads/{Id(file)}/{storedName}");
        file.GetProperty("outputs")[0].GetProperty("key").GetString()!.ShouldNotContain("..");
    }

    [Test]
    public async Task Control_characters_are_dropped_from_the_stored_name()
    {
        var file = await Settle(GoodCsv, "bad\u0001name\u007F\u202E.csv");

        Completed(file);
        file.GetProperty("key").GetString().ShouldBe($"{SagaFilesApp.Tenant}/uploads/{Id(file)}/badname.csv");
    }

    [Test]
    public async Task A_300_character_name_completes_with_a_shortened_key_that_keeps_its_extension()
    {
        var name = new string('n', 310) + ".csv";

        var file = await Settle(GoodCsv, name);

        Completed(file);
        file.GetProperty("originalName").GetString().ShouldBe(name);
        file.GetProperty("key").GetString().ShouldBe($"{SagaFilesApp.Tenant}/uploads/{Id(file)}/{new string('n', 196)}.csv");
        file.GetProperty("outputs")[0].GetProperty("format").GetString().ShouldBe("parquet");
    }

    [Test]
    public async Task A_name_longer_than_512_characters_is_400_before_anything_is_stored()
    {
        var response = await SagaFilesApp.Api.PostAsync("/files", Files.Form(GoodCsv, new string('m', 700) + ".csv"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("at most 512");
    }

    [Test]
    public async Task An_upload_without_a_file_part_is_400()
    {
        var response = await SagaFilesApp.Api.PostAsync("/files", new MultipartFormDataContent { { new StringContent("x"), "notfile" } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("file part named 'file'");
    }

    [Test]
    public async Task The_same_bytes_uploaded_twice_without_a_key_make_two_files()
    {
        var first = await Files.Upload(GoodCsv, "twice.csv");
        var second = await Files.Upload(GoodCsv, "twice.csv");

        second.ShouldNotBe(first);
        Completed(await Files.WaitUntilSettled(first));
        Completed(await Files.WaitUntilSettled(second));
    }

    [Test]
    public async Task After_a_burst_of_bad_files_a_good_csv_still_completes_and_no_worker_crashed()
    {
        var random = new byte[2048];
        new Random(3).NextBytes(random);
        byte[][] bad = [[], "a,b\n1\n"u8.ToArray(), "a\n\"x\n"u8.ToArray(), random, "{\"a\":"u8.ToArray()];
        var badIds = await Task.WhenAll(bad.Select((content, i) => Files.Upload(content, $"bad-{i}.csv")));

        var good = await Settle(GoodCsv, "good-after-bad.csv");

        Completed(good);
        var settled = await Task.WhenAll(badIds.Select(id => Files.WaitUntilSettled(id)));
        // Every one fails ('{"a":' named .csv is a CSV header without data rows; the random bytes are not CSV text).
        settled.Count(f => f.GetProperty("status").GetString() == nameof(FileStatus.Failed)).ShouldBe(5, string.Join("\n", settled));
        SagaFilesApp.WorkerProcesses.ShouldAllBe(w => !w.HasExited);
    }

    static async Task<JsonElement> Settle(byte[] content, string name) => await Files.WaitUntilSettled(await Files.Upload(content, name));

    static Guid Id(JsonElement file) => file.GetProperty("id").GetGuid();

    static void Completed(JsonElement file) => file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed), file.ToString());

    static string Failed(JsonElement file, string step)
    {
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), file.ToString());
        file.GetProperty("currentStep").GetString().ShouldBe(step, file.ToString());
        return file.GetProperty("errorMessage").GetString()!;
    }
}
