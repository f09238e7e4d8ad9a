using System.Text;
using Encoding = System.Text.Encoding;
using ParquetSharp;

namespace SagaFiles.Api.Tests;

public class FileProcessing_Specs
{
    [Test]
    public async Task A_csv_upload_completes_and_its_parquet_holds_the_same_rows()
    {
        var csv = "id,name,price,active,seen\n1,apple,1.5,true,2024-01-02T03:04:05Z\n2,\"pear, green\",2.25,false,2024-02-03T00:00:00Z\n3,,,,\n";
        var id = await Files.Upload(Encoding.UTF8.GetBytes(csv), "fruit.csv", "source=e2e");

        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed), file.ToString());
        var output = file.GetProperty("outputs")[0];
        output.GetProperty("format").GetString().ShouldBe("parquet");
        output.GetProperty("rows").GetInt64().ShouldBe(3);
        output.GetProperty("key").GetString().ShouldBe($"{SagaFilesApp.Tenant}/processed/{DateTime.UtcNow:yyyy/MM/dd}/{id}/fruit.parquet");
        file.GetProperty("sha256").GetString()!.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(csv))));
        file.GetProperty("tags").GetProperty("source").GetString().ShouldBe("e2e");

        var parquet = await Files.Download(id, "result");
        using var reader = new ParquetFileReader(new MemoryStream(parquet));
        reader.FileMetaData.NumRows.ShouldBe(3);
        using var rowGroup = reader.RowGroup(0);
        rowGroup.Column(0).LogicalReader<long?>().ReadAll(3).ShouldBe([1L, 2L, 3L]);
        rowGroup.Column(1).LogicalReader<string?>().ReadAll(3).ShouldBe(["apple", "pear, green", null]);
        rowGroup.Column(2).LogicalReader<double?>().ReadAll(3).ShouldBe([1.5, 2.25, null]);
        rowGroup.Column(3).LogicalReader<bool?>().ReadAll(3).ShouldBe([true, false, null]);
    }

    [Test]
    public async Task A_png_upload_completes_and_comes_out_byte_identical()
    {
        var png = Png();
        var id = await Files.Upload(png, "pixel.png");

        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Completed), file.ToString());
        file.GetProperty("detectedType").GetString().ShouldBe("png");
        file.GetProperty("outputs")[0].GetProperty("format").GetString().ShouldBe("original");
        (await Files.Download(id, "result")).ShouldBe(png);
        (await Files.Download(id, "original")).ShouldBe(png);
    }

    [Test]
    public async Task An_empty_file_fails_with_a_reason_the_user_can_act_on()
    {
        var id = await Files.Upload([], "empty.csv");

        var file = await Files.WaitUntilSettled(id);
        file.GetProperty("status").GetString().ShouldBe(nameof(FileStatus.Failed));
        file.GetProperty("currentStep").GetString().ShouldBe(FileSteps.Download);
        file.GetProperty("errorMessage").GetString()!.ShouldContain("empty");

        // The original is kept under {tenant}/failed/{timestamp}_{fileId}_{name} in the incoming bucket.
        using var s3 = SagaFilesApp.Stack.CreateS3Client();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<Amazon.S3.Model.S3Object> kept;
        do
        {
            var listed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "e2e-incoming", Prefix = $"{SagaFilesApp.Tenant}/failed/" });
            kept = (listed.S3Objects ?? []).Where(o => o.Key.EndsWith("_empty.csv", StringComparison.Ordinal)).ToList();
            if (kept.Count > 0)
                break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        kept.ShouldNotBeEmpty();
    }

    [Test]
    public async Task Fifty_concurrent_uploads_with_two_workers_all_complete_each_exactly_once()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Files.Upload(Encoding.UTF8.GetBytes($"n,square\n{i},{i * i}\n"), $"batch-{i}.csv")));

        var files = await Task.WhenAll(ids.Select(id => Files.WaitUntilSettled(id, TimeSpan.FromSeconds(120))));
        files.ShouldAllBe(f => f.GetProperty("status").GetString() == nameof(FileStatus.Completed));

        using var s3 = SagaFilesApp.Stack.CreateS3Client();
        var processed = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "e2e-processed", Prefix = $"{SagaFilesApp.Tenant}/processed/" });
        foreach (var id in ids)
            (processed.S3Objects ?? []).Count(o => o.Key.Contains(id.ToString())).ShouldBe(1, $"one output object for {id}");

        var histories = await Task.WhenAll(ids.Select(id => Files.Get(id, "/events")));
        histories.ShouldAllBe(h => h.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("to").GetString() == FileStates.Completed) == 1);

        // Both worker processes took part.
        var workers = histories.SelectMany(h => h.GetProperty("events").EnumerateArray())
            .Select(e => e.GetProperty("workerHost").GetString()).Where(w => w != null).Distinct().ToList();
        workers.Count.ShouldBeGreaterThanOrEqualTo(2, string.Join(", ", workers));
    }

    /// <summary>A valid 1x1 PNG.</summary>
    static byte[] Png() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}
