using System.Text.Json;
using NUnit.Framework;
using ParquetSharp;
using SagaFiles.Components.Consumers;
using SagaFiles.Components.Tests.Support;
using SagaFiles.Contracts;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using Shouldly;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.Tests.Consumers;

public class ConvertFileConsumer_Specs : StepSpec
{
    [Test]
    public async Task A_CSV_becomes_a_readable_Parquet_file_in_staging()
    {
        var (upload, downloaded, _) = await StageAsync("Q1 orders.csv", Csv(rows: 1_000));

        var converted = await ConvertAsync(downloaded, "../Q1 orders.csv");

        converted.Processor.ShouldBe("parquet");
        converted.ChildCount.ShouldBeNull();
        var result = converted.Outputs.ShouldHaveSingleItem();
        result.Format.ShouldBe("parquet");
        result.Name.ShouldBe("Q1 orders.parquet");
        result.Bucket.ShouldBe(Storage.Options.StagingBucket);
        result.Key.ShouldBe($"{Tenant}/staging/{upload.FileId}/result/Q1 orders.parquet");
        var table = result.Table.ShouldNotBeNull();
        table.Rows.ShouldBe(1_000);
        table.Columns.Select(c => c.Name).ShouldBe(["id", "name", "amount", "day"]);
        var parquet = await Storage.ReadAllAsync(result.Bucket, result.Key);
        result.Size.ShouldBe(parquet.Length);
        using (var reader = new ParquetFileReader(new MemoryStream(parquet)))
        {
            reader.FileMetaData.NumRows.ShouldBe(1_000);
            Enumerable.Range(0, reader.FileMetaData.NumColumns).Select(i => reader.FileMetaData.Schema.Column(i).Name)
                .ShouldBe(["id", "name", "amount", "day"]);
        }

        (await Storage.Store.HeadAsync(result.Bucket, result.Key)).ShouldNotBeNull().ContentType
            .ShouldBe("application/vnd.apache.parquet");
        TempFilesOf(upload.FileId).ShouldBeEmpty();
    }

    [Test]
    public async Task A_file_read_whole_has_its_result_published_by_the_conversion_with_the_upload_steps_metadata_and_staging_cleaned()
    {
        var (upload, downloaded, checksum) = await StageAsync("small.csv", Csv(rows: 3));

        var converted = await Steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, "small.csv") with
        {
            Publication = new ResultPublication { Sha256 = checksum.Sha256, SourceKey = upload.SourceKey, ReceivedAt = ReceivedAt }
        });

        converted.ResultsPublished.ShouldBeTrue();
        var result = converted.Outputs.ShouldHaveSingleItem();
        // Received 2026-03-09 23:30 at UTC-2: 2026-03-10 in UTC, as the upload step dates it.
        (result.Bucket, result.Key).ShouldBe((Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/small.parquet"));
        var published = (await Storage.Store.HeadAsync(result.Bucket, result.Key)).ShouldNotBeNull();
        published.Metadata.ShouldBe(new Dictionary<string, string>
        {
            ["sha256"] = checksum.Sha256, ["source-key"] = upload.SourceKey, ["row-count"] = "3", ["format"] = "parquet"
        }, ignoreOrder: true);
        (published.Size, published.ContentType).ShouldBe((result.Size, "application/vnd.apache.parquet"));
        // Staging is cleaned after the answer is out: once the step has finished.
        (await Steps.Harness.Consumed.Any<ConvertFile>(x => x.Context.Message.FileId == upload.FileId)).ShouldBeTrue();
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
        TempFilesOf(upload.FileId).ShouldBeEmpty();
    }

    [Test]
    public async Task A_small_files_next_attempt_after_the_first_published_and_cleaned_up_ends_without_a_fault_or_a_second_answer()
    {
        var (upload, downloaded, checksum) = await StageAsync("again.csv", Csv(rows: 2));
        var command = ConvertCommand(downloaded, "again.csv") with
        {
            Publication = new ResultPublication { Sha256 = checksum.Sha256, SourceKey = upload.SourceKey, ReceivedAt = ReceivedAt }
        };
        await Steps.RunAsync<FileConverted>(FileSteps.Convert, command);
        await ConsumedAsync(command, times: 1);

        // The saga's next attempt, sent when the first one's answer was late (the chaos suite's stopped saga), or the same
        // message again (a worker stopped between the clean-up and the acknowledgement): the first answer is on its way.
        await (await Steps.Harness.Bus.GetSendEndpoint(FileSteps.Named(FileSteps.Convert).Address)).Send(command with { Attempt = 2 });
        await ConsumedAsync(command, times: 2);

        Steps.Harness.Consumed.Select<ConvertFile>(x => x.Context.Message.FileId == upload.FileId).ShouldAllBe(x => x.Exception == null);
        Steps.Harness.Published.Select<MassTransit.Fault<ConvertFile>>().ShouldBeEmpty();
        Steps.Harness.Published.Select<FileConverted>(x => x.Context.Message.FileId == upload.FileId).Count().ShouldBe(1);
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/"))
            .ShouldBe([$"{Tenant}/processed/2026/03/10/{upload.FileId}/again.parquet"]);
    }

    [Test]
    public async Task A_staged_original_that_is_gone_with_nothing_published_still_fails_the_step()
    {
        var (upload, downloaded, checksum) = await StageAsync("lost.csv", Csv(rows: 2));
        await Storage.Store.DeleteAsync(downloaded.StagingBucket, [downloaded.StagingKey]);

        var fault = await Steps.FaultAsync(FileSteps.Convert, ConvertCommand(downloaded, "lost.csv") with
        {
            Publication = new ResultPublication { Sha256 = checksum.Sha256, SourceKey = upload.SourceKey, ReceivedAt = ReceivedAt }
        });

        fault.Exceptions.ShouldHaveSingleItem().ExceptionType.ShouldBe(typeof(SagaFiles.Storage.ObjectNotFoundException).FullName);
    }

    async Task ConsumedAsync(ConvertFile command, int times)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Steps.Harness.Consumed.Select<ConvertFile>(x => x.Context.Message.FileId == command.FileId).Count() < times)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the convert step did not finish {times} time(s)");
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task A_small_file_passed_through_is_published_as_a_copy_of_its_original()
    {
        var content = "just some notes\n"u8.ToArray();
        var (upload, downloaded, checksum) = await StageAsync("notes.txt", content);

        var converted = await Steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, "notes.txt") with
        {
            Publication = new ResultPublication { Sha256 = checksum.Sha256, SourceKey = upload.SourceKey, ReceivedAt = ReceivedAt }
        });

        (converted.Processor, converted.ResultsPublished).ShouldBe(("pass-through", true));
        var result = converted.Outputs.ShouldHaveSingleItem();
        (result.Bucket, result.Key).ShouldBe((Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/notes.txt"));
        (await Storage.ReadAllAsync(result.Bucket, result.Key)).ShouldBe(content);
        (await Storage.Store.HeadAsync(result.Bucket, result.Key)).ShouldNotBeNull().Metadata["format"].ShouldBe("original");
        (await Steps.Harness.Consumed.Any<ConvertFile>(x => x.Context.Message.FileId == upload.FileId)).ShouldBeTrue();
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBeEmpty();
    }

    [Test]
    public async Task A_file_larger_than_the_first_read_leaves_its_result_in_staging_for_the_upload_step()
    {
        var content = Csv(rows: 3_000);
        content.Length.ShouldBeGreaterThan(FileTypeDetector.PrefixLength);
        var (upload, downloaded, checksum) = await StageAsync("large.csv", content);

        var converted = await Steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, "large.csv") with
        {
            Publication = new ResultPublication { Sha256 = checksum.Sha256, SourceKey = upload.SourceKey, ReceivedAt = ReceivedAt }
        });

        converted.ResultsPublished.ShouldBeFalse();
        converted.Outputs.ShouldHaveSingleItem().Key.ShouldBe($"{Tenant}/staging/{upload.FileId}/result/large.parquet");
        (await Storage.KeysAsync(Storage.Options.ProcessedBucket, $"{Tenant}/processed/2026/03/10/{upload.FileId}/")).ShouldBeEmpty();
    }

    [Test]
    public async Task Converting_twice_leaves_one_result()
    {
        var (upload, downloaded, _) = await StageAsync("data.tsv", "a\tb\n1\tx\n2\ty\n"u8.ToArray());

        var first = await ConvertAsync(downloaded, "data.tsv");
        var second = await ConvertAsync(downloaded, "data.tsv", attempt: 2);

        second.Outputs.ShouldBeEquivalentTo(first.Outputs);
        first.Outputs.ShouldHaveSingleItem().Table.ShouldNotBeNull().Rows.ShouldBe(2);
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/"))
            .ShouldBe([$"{Tenant}/staging/{upload.FileId}/original", $"{Tenant}/staging/{upload.FileId}/result/data.parquet"], ignoreOrder: true);
    }

    [Test]
    public async Task A_file_that_is_not_tabular_passes_through_as_the_staged_original()
    {
        var content = Png(5_000);
        var (upload, downloaded, _) = await StageAsync("scan.PNG", content);

        var converted = await ConvertAsync(downloaded, "scan.PNG");

        converted.Processor.ShouldBe("pass-through");
        var result = converted.Outputs.ShouldHaveSingleItem();
        result.Format.ShouldBe("original");
        result.Bucket.ShouldBe(downloaded.StagingBucket);
        result.Key.ShouldBe(downloaded.StagingKey);
        result.Name.ShouldBe("scan.PNG");
        result.Size.ShouldBe(content.Length);
        result.Table.ShouldBeNull();
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/")).ShouldBe([downloaded.StagingKey]);
    }

    // A file shorter than the detection prefix is read once, whole; one of that length or longer is read again in full.
    [TestCase(FileTypeDetector.PrefixLength - 1)]
    [TestCase(FileTypeDetector.PrefixLength)]
    [TestCase(FileTypeDetector.PrefixLength + 1)]
    public async Task A_file_around_the_detection_prefix_converts_every_row_or_passes_through_whole(int size)
    {
        // "name" then 8-byte rows; the first row takes what does not divide.
        var rows = (size - 5) / 8;
        var csv = new System.Text.StringBuilder("name\n").Append('x', (size - 5) % 8);
        for (var i = 0; i < rows; i++)
            csv.Append("abcdefg\n");
        var (_, csvStaged, _) = await StageAsync("edge.csv", System.Text.Encoding.ASCII.GetBytes(csv.ToString()));
        var png = Png(size);
        var (_, pngStaged, _) = await StageAsync("edge.png", png);

        (await ConvertAsync(csvStaged, "edge.csv")).Outputs.ShouldHaveSingleItem().Table.ShouldNotBeNull().Rows.ShouldBe(rows);
        (await ConvertAsync(pngStaged, "edge.png")).Outputs.ShouldHaveSingleItem().Size.ShouldBe(size);
    }

    [Test]
    public async Task A_malformed_CSV_faults_at_once_naming_the_line()
    {
        var (upload, downloaded, _) = await StageAsync("ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n"u8.ToArray());

        var fault = await Steps.FaultAsync(FileSteps.Convert, ConvertCommand(downloaded, "ragged.csv"));

        var exception = fault.Exceptions.ShouldHaveSingleItem();
        exception.ExceptionType.ShouldBe(typeof(ConversionException).FullName);
        exception.Message.ShouldBe("Line 4: expected 3 fields as in the first row, found 4 (a ragged row).");
        (await Storage.KeysAsync(Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/result/")).ShouldBeEmpty();
        TempFilesOf(upload.FileId).ShouldBeEmpty();
        var deadLetter = Steps.Logs.Entries.Where(e => e.Message.Contains("moved to the error queue", StringComparison.Ordinal) &&
                                                       Equals(e.Properties["FileId"], upload.FileId)).ShouldHaveSingleItem();
        (deadLetter.Properties["Step"], deadLetter.Properties["Attempt"], deadLetter.Properties["Why"]).ShouldBe((FileSteps.Convert, 1, "a permanent error"));
    }

    [Test]
    public async Task A_SQL_dump_of_hundreds_of_tables_lists_its_results_in_a_manifest_and_its_message_stays_small()
    {
        // 700 one-column tables, within MaxTables (1,000): their list of results alone is about 175 KB.
        var dump = ManyTables(700);
        var (upload, downloaded, _) = await StageAsync("many.sql", dump);

        var converted = await ConvertAsync(downloaded, "many.sql");

        converted.Outputs.ShouldBeEmpty();
        var manifest = converted.OutputManifest.ShouldNotBeNull();
        (manifest.Bucket, manifest.Key, manifest.Count).ShouldBe((Storage.Options.StagingBucket, $"{Tenant}/staging/{upload.FileId}/outputs.json", 700));
        JsonSerializer.SerializeToUtf8Bytes(converted).Length.ShouldBeLessThan(1024);
        var listed = await new OutputManifests(Storage.Store).ReadAsync([], manifest, CancellationToken.None);
        listed.Select(o => o.Name).ShouldBe(Enumerable.Range(0, 700).Select(i => $"t{i:D4}.parquet"));
        listed.ShouldAllBe(o => o.Table!.Rows == 1 && o.Key.StartsWith($"{Tenant}/staging/{upload.FileId}/result/"));
    }

    [Test]
    public async Task A_completion_larger_than_MaxMessageBytes_faults_at_once_naming_the_limit()
    {
        await using var steps = await StepHarness.StartAsync(Storage, settings: new Dictionary<string, string?>
        {
            ["Processing:Limits:MaxMessageBytes"] = "200", ["Processing:Limits:MaxInlineOutputsBytes"] = "100"
        });
        var (upload, downloaded, _) = await StageAsync("few.sql", ManyTables(3));

        var fault = await steps.FaultAsync(FileSteps.Convert, ConvertCommand(downloaded, "few.sql"));

        var exception = fault.Exceptions.ShouldHaveSingleItem();
        exception.ExceptionType.ShouldBe(typeof(ConversionException).FullName);
        exception.Message.ShouldStartWith("The description of the results (FileConverted) is larger, in bytes, than the 200 allowed (");
        exception.Message.ShouldEndWith("; limit MaxMessageBytes, raise Processing:Limits:MaxMessageBytes to accept it).");
        steps.Harness.Published.Select<FileConverted>(x => x.Context.Message.FileId == upload.FileId).ShouldBeEmpty();
    }

    [Test]
    public async Task An_archive_stores_every_entry_small_ones_several_at_once_and_a_large_one_streamed_then_lists_its_children_in_entry_order()
    {
        // 300 small entries go in the background; one of 3 MiB (past the 1 MiB kept in memory) streams on its prefix.
        var large = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(large);
        var entries = Enumerable.Range(0, 300).Select(i => ($"rows/{i:D3}.csv", System.Text.Encoding.UTF8.GetBytes($"n\n{i}\n")))
            .Append(("blob.bin", large)).ToList();
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                await using var entry = await archive.CreateEntry(name, System.IO.Compression.CompressionLevel.Fastest).OpenAsync();
                await entry.WriteAsync(content);
            }

        var (upload, downloaded, _) = await StageAsync("many.zip", zip.ToArray());

        var converted = await ConvertAsync(downloaded, "many.zip");

        converted.ChildCount.ShouldBe(301);
        Steps.Harness.Published.Select<FileUploaded>(x => x.Context.Message.ParentFileId == upload.FileId).ShouldBeEmpty("the archive's counter publishes them");
        var manifest = converted.Children.ShouldNotBeNull();
        manifest.Count.ShouldBe(301);
        var children = await new ChildManifests(Storage.Store).ReadAsync(manifest, CancellationToken.None).Select(ChildManifests.Parse).ToListAsync();
        children.Select(c => c.OriginalName).ShouldBe(entries.Select(e => e.Item1));
        children.Select(c => c.FileId).ShouldBe(Enumerable.Range(0, 301).Select(i => ChildFileIds.For(upload.FileId, i)));
        for (var i = 0; i < entries.Count; i += 50)
            (await Storage.ReadAllAsync(children[i].Bucket, children[i].Key)).ShouldBe(entries[i].Item2);
        var blob = children[^1];
        blob.Size.ShouldBe(large.LongLength);
        (await Storage.ReadAllAsync(blob.Bucket, blob.Key)).ShouldBe(large);
    }

    [Test]
    public async Task A_long_conversion_reports_its_progress_through_the_input_as_it_goes()
    {
        await using var steps = await StepHarness.StartAsync(Storage, settings: new Dictionary<string, string?>
        {
            ["Processing:ProgressInterval"] = "00:00:00.050"
        });
        // About 45 MB: several 50 ms report intervals even for a conversion on every core (200,000 rows, about 60 ms of
        // conversion on two cores, could end before the first report).
        var csv = Csv(rows: 1_000_000);
        var upload = await UploadAsync(Guid.NewGuid(), "big.csv", csv);
        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, upload);

        await steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, "big.csv"));

        var reports = steps.Harness.Published.Select<StepProgressed>(x => x.Context.Message.FileId == upload.FileId)
            .Select(x => x.Context.Message).ToList();
        reports.ShouldNotBeEmpty();
        reports.ShouldAllBe(r => r.Step == FileSteps.Convert && r.Attempt == 1 && r.BytesDone > 0);
        reports.Select(r => r.BytesDone).ShouldBeInOrder(SortDirection.Ascending);
        reports.Select(r => (r.BytesDone, r.RowsDone)).Distinct().Count().ShouldBe(reports.Count, "a report only when the step advanced");
        reports.Where(r => r.BytesTotal != null).ShouldAllBe(r => r.BytesTotal == 2L * csv.Length && r.BytesDone <= r.BytesTotal);
        var rows = reports.Where(r => r.RowsDone != null).Select(r => r.RowsDone!.Value).ToList();
        rows.ShouldNotBeEmpty("a CSV's conversion counts its rows per chunk as it writes them");
        rows.ShouldBeInOrder(SortDirection.Ascending);
        rows.ShouldAllBe(r => r <= 1_000_000);
        reports.ShouldAllBe(r => r.EntriesDone == null && r.EntriesTotal == null);
    }

    [Test]
    public async Task An_archives_expansion_reports_the_entries_stored_out_of_those_its_central_directory_lists()
    {
        await using var steps = await StepHarness.StartAsync(Storage, settings: new Dictionary<string, string?>
        {
            ["Processing:ProgressInterval"] = "00:00:00.050"
        });
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("folder/");
            for (var i = 0; i < 400; i++)
            {
                await using var entry = await archive.CreateEntry($"rows/{i:D3}.csv").OpenAsync();
                await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"n\n{i}\n"));
            }
        }

        var upload = await UploadAsync(Guid.NewGuid(), "entries.zip", zip.ToArray());
        var downloaded = await steps.RunAsync<FileDownloaded>(FileSteps.Download, upload);

        var converted = await steps.RunAsync<FileConverted>(FileSteps.Convert, ConvertCommand(downloaded, "entries.zip"));

        converted.ChildCount.ShouldBe(400);
        var reports = steps.Harness.Published.Select<StepProgressed>(x => x.Context.Message.FileId == upload.FileId)
            .Select(x => x.Context.Message).Where(r => r.EntriesDone != null).ToList();
        reports.ShouldNotBeEmpty("storing 400 entries takes longer than a report's interval");
        reports.ShouldAllBe(r => r.EntriesTotal == 400 && r.EntriesDone <= 400 && r.RowsDone == null, "the folder is not an entry");
        reports.Select(r => r.EntriesDone).ShouldBeInOrder(SortDirection.Ascending);
    }

    static byte[] ManyTables(int count) => System.Text.Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, count).Select(i => $"CREATE TABLE t{i:D4} (a int);\nINSERT INTO t{i:D4} VALUES ({i});\n")));

    static string[] TempFilesOf(Guid fileId) => Directory.GetFiles(Path.GetTempPath(), $"sagafiles-{fileId:N}-*");
}
