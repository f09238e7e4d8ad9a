using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ParquetSharp;
using Encoding = System.Text.Encoding;

namespace SagaFiles.Api.Tests;

/// <summary>Every format through the whole pipeline: JSON, SQL dumps, archives as child files, hostile archives.</summary>
public class ContentProcessing_Specs
{
    [Test]
    public async Task A_JSON_Lines_upload_becomes_Parquet_with_flattened_columns_and_its_table_shape_is_shown()
    {
        var jsonl = "{\"id\":1,\"user\":{\"name\":\"ana\"},\"tags\":[\"a\"]}\n{\"id\":2,\"user\":{\"name\":\"bo\"},\"tags\":[]}\n";
        var id = await Files.Upload(Encoding.UTF8.GetBytes(jsonl), "events.jsonl");

        var file = await Completed(id);
        file.GetProperty("detectedType").GetString().ShouldBe("jsonl");
        file.GetProperty("category").GetString().ShouldBe("tabular");
        file.GetProperty("processor").GetString().ShouldBe("parquet");
        var output = file.GetProperty("outputs").EnumerateArray().ShouldHaveSingleItem();
        output.GetProperty("name").GetString().ShouldBe("events.parquet");
        output.GetProperty("rows").GetInt64().ShouldBe(2);
        output.GetProperty("schema").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("type").GetString()}")
            .ShouldBe(["id:int64", "user.name:string", "tags:string"]);
        var conversion = file.GetProperty("conversion");
        (conversion.GetProperty("tables").GetInt32(), conversion.GetProperty("rows").GetInt64(), conversion.GetProperty("columns").GetInt32())
            .ShouldBe((1, 2L, 3));
        conversion.GetProperty("compressionRatio").GetDouble().ShouldBeGreaterThan(0);

        using var reader = new ParquetFileReader(new MemoryStream(await Files.Download(id, "result")));
        using var rowGroup = reader.RowGroup(0);
        rowGroup.Column(1).LogicalReader<string?>().ReadAll(2).ShouldBe(["ana", "bo"]);
    }

    [Test]
    public async Task A_SQL_dump_becomes_one_Parquet_file_per_table_each_downloadable_by_name()
    {
        const string dump = """
            CREATE TABLE public.customers (id integer NOT NULL, name text);
            CREATE TABLE public.orders (id bigint NOT NULL, customer_id integer, total numeric(10,2), placed date);
            COPY public.customers (id, name) FROM stdin;
            1	Ana
            2	\N
            \.
            INSERT INTO public.orders VALUES (10, 1, 12.50, '2024-05-01'), (11, 2, 3.00, '2024-05-02');
            """;
        var id = await Files.Upload(Encoding.UTF8.GetBytes(dump), "shop.sql");

        var file = await Completed(id);
        file.GetProperty("detectedType").GetString().ShouldBe("sql");
        var outputs = file.GetProperty("outputs").EnumerateArray().ToList();
        outputs.Select(o => (o.GetProperty("name").GetString(), o.GetProperty("rows").GetInt64()))
            .ShouldBe([("customers.parquet", 2L), ("orders.parquet", 2L)]);
        outputs[1].GetProperty("schema").EnumerateArray().Select(c => c.GetProperty("type").GetString())
            .ShouldBe(["int64", "int64", "decimal(29,2)", "date"]);
        file.GetProperty("conversion").GetProperty("tables").GetInt32().ShouldBe(2);

        var ambiguous = await SagaFilesApp.Api.GetAsync($"/files/{id}/download?what=result");
        ambiguous.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await ambiguous.Content.ReadAsStringAsync()).ShouldContain("customers.parquet, orders.parquet");
        using var reader = new ParquetFileReader(new MemoryStream(await Files.Download(id, "result", "orders.parquet")));
        using var rowGroup = reader.RowGroup(0);
        rowGroup.Column(2).LogicalReader<decimal?>().ReadAll(2).ShouldBe([12.50m, 3.00m]);
    }

    [Test]
    public async Task A_SQL_dump_of_hundreds_of_long_named_tables_completes_with_its_results_read_from_their_manifest()
    {
        // 600 tables with 120-character names: about 100 KB of results, far more than a message carries inline.
        var names = Enumerable.Range(0, 600).Select(i => $"{new string('t', 116)}{i:D4}").ToList();
        var dump = string.Concat(names.Select((name, i) => $"CREATE TABLE {name} (a int);\nINSERT INTO {name} VALUES ({i});\n"));
        var id = await Files.Upload(Encoding.UTF8.GetBytes(dump), "many.sql");

        var file = await Completed(id);
        file.GetProperty("outputCount").GetInt32().ShouldBe(600);
        file.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()).ShouldBe(names.Select(n => $"{n}.parquet"));
        file.GetProperty("conversion").GetProperty("tables").GetInt32().ShouldBe(600);
        var listed = (await SagaFilesApp.Api.GetFromJsonAsync<JsonElement>($"/files?limit=100")).GetProperty("items").EnumerateArray()
            .Single(f => f.GetProperty("id").GetGuid() == id);
        (listed.GetProperty("outputCount").GetInt32(), listed.GetProperty("outputs").GetArrayLength()).ShouldBe((600, 0));

        using var reader = new ParquetFileReader(new MemoryStream(await Files.Download(id, "result", $"{names[599]}.parquet")));
        using var rowGroup = reader.RowGroup(0);
        rowGroup.Column(0).LogicalReader<long?>().ReadAll(1).ShouldBe([599L]);
    }

    [Test]
    public async Task An_archive_of_mixed_files_expands_into_one_child_per_entry_and_fails_with_the_counts_when_one_fails()
    {
        var inner = Zip(("inner/deep.csv", "x\n1\n2\n"));
        var archive = Zip(
            ("data/sales.csv", "region,amount\nnorth,10\nsouth,20\n"),
            ("data/events.jsonl", "{\"a\":1}\n"),
            ("pixel.png", Png()),
            ("broken.csv", "a,b\n1,2,3\n"),
            ("nested.zip", inner));
        var id = await Files.Upload(archive, "batch.zip", "team=e2e");

        // One failed child of five is more than Processing:Archives:ToleratedFailurePercent's default 0%.
        var parent = await Files.WaitUntilSettled(id, TimeSpan.FromSeconds(120));
        parent.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), parent.ToString());
        parent.GetProperty("errorMessage").GetString()!.ShouldContain("1 of the archive's 5 files failed (20%), more than the 0% tolerated");
        var counts = parent.GetProperty("archive");
        (counts.GetProperty("children").GetInt32(), counts.GetProperty("childrenCompleted").GetInt32(), counts.GetProperty("childrenFailed").GetInt32())
            .ShouldBe((5, 4, 1));
        counts.GetProperty("failedChildrenLink").GetString().ShouldBe($"/files?parent={id}&status=Failed");
        parent.GetProperty("outputs").GetArrayLength().ShouldBe(0);

        var children = (await Files.List($"parent={id}&limit=100")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("originalName").GetString()!);
        children.Keys.ShouldBe(["data/sales.csv", "data/events.jsonl", "pixel.png", "broken.csv", "nested.zip"], ignoreOrder: true);
        children.Values.ShouldAllBe(c => c.GetProperty("archive").GetProperty("parentId").GetGuid() == id);
        children.Values.ShouldAllBe(c => c.GetProperty("tags").GetProperty("team").GetString() == "e2e");
        children["data/sales.csv"].GetProperty("outputs")[0].GetProperty("rows").GetInt64().ShouldBe(2);
        children["broken.csv"].GetProperty("errorMessage").GetString()!.ShouldContain("Line 2");
        var nested = children["nested.zip"];
        nested.GetProperty("archive").GetProperty("children").GetInt32().ShouldBe(1);
        nested.GetProperty("archive").GetProperty("depth").GetInt32().ShouldBe(1);
        var deep = (await Files.List($"parent={nested.GetProperty("id").GetGuid()}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        deep.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed));
        deep.GetProperty("archive").GetProperty("depth").GetInt32().ShouldBe(2);
    }

    /// <summary>The API's and workers' <c>Processing:Archives:ChildrenInFlight</c> in these specs.</summary>
    public const int ChildrenInFlight = 24;

    [Test]
    public async Task An_archive_of_hundreds_of_entries_counts_every_child_and_settles_letting_a_window_of_them_go_at_a_time()
    {
        // Children finish side by side on two workers; each is counted once, none of them waits on the archive's record.
        const int entries = 240;
        var archive = Zip([.. Enumerable.Range(0, entries).Select(i => i % 20 == 0
            ? ($"broken/{i}.csv", (object)"a,b\n1,2,3\n")
            : ($"notes/{i}.txt", $"note {i}"))]);
        var id = await Files.Upload(archive, "many.zip");

        // Children go a window at a time: never more on their way than Processing:Archives:ChildrenInFlight. (The total is
        // read before the counts: both only grow, so what is measured is at most what was on its way at the first read.)
        var mostOnTheirWay = 0;
        var deadline = DateTime.UtcNow.AddMinutes(8);
        JsonElement parent;
        while ((parent = await Files.Get(id)).GetProperty("status").GetString() is not (nameof(FileStatus.Completed) or nameof(FileStatus.Failed)))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, parent.ToString());
            var listed = (await Files.List($"parent={id}&limit=1")).GetProperty("total").GetInt32();
            var finished = (await Files.List($"parent={id}&status=Completed&limit=1")).GetProperty("total").GetInt32()
                + (await Files.List($"parent={id}&status=Failed&limit=1")).GetProperty("total").GetInt32();
            mostOnTheirWay = Math.Max(mostOnTheirWay, listed - finished);
            await Task.Delay(100);
        }

        mostOnTheirWay.ShouldBeInRange(1, ChildrenInFlight);

        parent.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), parent.ToString());
        var counts = parent.GetProperty("archive");
        (counts.GetProperty("children").GetInt32(), counts.GetProperty("childrenCompleted").GetInt32(), counts.GetProperty("childrenFailed").GetInt32())
            .ShouldBe((entries, entries - entries / 20, entries / 20));
        (await Files.List($"parent={id}&status=Completed&limit=1")).GetProperty("total").GetInt32().ShouldBe(entries - entries / 20);
        (await Files.List($"parent={id}&status=Failed&limit=1")).GetProperty("total").GetInt32().ShouldBe(entries / 20);
    }

    [Test]
    public async Task A_tar_gz_and_a_single_file_gz_are_unpacked_too()
    {
        var tgz = await Files.Upload(Gzip(Tar(("a.csv", "n\n1\n"), ("b.txt", "hello"))), "bundle.tgz");
        var gz = await Files.Upload(Gzip(Encoding.UTF8.GetBytes("k,v\na,1\n")), "table.csv.gz");

        (await Completed(tgz)).GetProperty("archive").GetProperty("children").GetInt32().ShouldBe(2);
        (await Completed(gz)).GetProperty("archive").GetProperty("children").GetInt32().ShouldBe(1);
        var child = (await Files.List($"parent={gz}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        child.GetProperty("originalName").GetString().ShouldBe("table.csv");
        child.GetProperty("processor").GetString().ShouldBe("parquet");
    }

    [Test]
    public async Task An_entry_whose_path_is_too_long_to_keep_becomes_a_file_named_by_the_end_of_its_path()
    {
        var path = string.Concat(Enumerable.Repeat("deep-folder/", 60)) + "leaf.csv";
        var id = await Files.Upload(Zip((path, "n\n1\n")), "long.zip");

        (await Completed(id)).GetProperty("archive").GetProperty("childrenCompleted").GetInt32().ShouldBe(1);
        var child = (await Files.List($"parent={id}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        var name = child.GetProperty("originalName").GetString()!;
        (name.Length, name[..3]).ShouldBe((512, "..."));
        name.ShouldEndWith("/leaf.csv");
        child.GetProperty("outputs")[0].GetProperty("name").GetString().ShouldBe("leaf.parquet");
    }

    [TestCase("../../etc/passwd", "escapes")]
    [TestCase("/etc/passwd", "absolute")]
    public async Task An_archive_with_an_unsafe_path_fails_with_the_entry_named_and_publishes_no_child(string path, string reason)
    {
        var id = await Files.Upload(Zip(("ok.csv", "a\n1\n"), (path, "x")), "evil.zip");

        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), file.ToString());
        file.GetProperty("currentStep").GetString().ShouldBe(FileSteps.Convert);
        file.GetProperty("errorMessage").GetString()!.ShouldContain(reason);
        (await Files.List($"parent={id}")).GetProperty("total").GetInt32().ShouldBe(0);
        using var s3 = SagaFilesApp.Stack.CreateS3Client();
        var stored = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "e2e-incoming", Prefix = $"{SagaFilesApp.Tenant}/archives/{id}/" });
        (stored.S3Objects ?? []).ShouldBeEmpty("the entries stored before the rejection are deleted");
    }

    [Test]
    public async Task A_zip_bomb_fails_on_its_compression_ratio()
    {
        var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 120; i++)
                await entry.WriteAsync(zeros);
        }

        var id = await Files.Upload(bomb.ToArray(), "bomb.zip");

        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed), file.ToString());
        file.GetProperty("errorMessage").GetString()!.ShouldContain("compression ratio");
    }

    static async Task<JsonElement> Completed(Guid id)
    {
        var file = await Files.WaitUntilSettled(id, TimeSpan.FromSeconds(90));
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed), file.ToString());
        return file;
    }

    internal static byte[] Zip(params (string Path, object Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, content) in entries)
            {
                using var stream = zip.CreateEntry(path).Open();
                stream.Write(content as byte[] ?? Encoding.UTF8.GetBytes((string)content));
            }

        return buffer.ToArray();
    }

    static byte[] Tar(params (string Path, string Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (path, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        return buffer.ToArray();
    }

    static byte[] Gzip(byte[] content)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        return buffer.ToArray();
    }

    /// <summary>A valid 1x1 PNG.</summary>
    static byte[] Png() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
