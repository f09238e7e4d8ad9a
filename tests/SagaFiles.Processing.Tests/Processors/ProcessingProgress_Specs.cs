using System.Formats.Tar;
using System.Text;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Archives;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests.Processors;

/// <summary>What processors tell a watcher as they go: rows converted, entries expanded (<see cref="IProcessingProgress" />).</summary>
public class ProcessingProgress_Specs
{
    sealed class Recorded : IProcessingProgress
    {
        public List<long> Rows { get; } = [];

        public List<(long Entries, long? Total)> Entries { get; } = [];

        public void RowsConverted(long rows) => Rows.Add(rows);

        public void EntriesExpanded(long entries, long? total) => Entries.Add((entries, total));
    }

    static async Task<(ProcessingOutcome Outcome, Recorded Progress)> ProcessAsync(IFileProcessor processor, byte[] content, string name)
    {
        var progress = new Recorded();
        await using var input = new MemoryStream(content);
        var outcome = await processor.ProcessAsync(
            new ProcessingInput(input, name, FileTypeDetector.Detect(content, name), ArchiveDepth: 0, Progress: progress), new MemoryOutputs(),
            CancellationToken.None);
        return (outcome, progress);
    }

    static Task<(ProcessingOutcome Outcome, Recorded Progress)> ConvertAsync(byte[] content, string name) =>
        ProcessAsync(new ParquetConversionProcessor(ProcessingLimits.Default), content, name);

    static Task<(ProcessingOutcome Outcome, Recorded Progress)> ExpandAsync(byte[] content, string name) =>
        ProcessAsync(new ArchiveExpansionProcessor(new ArchiveExpansionOptions()), content, name);

    [TestCase("id,note\n1,plain\n2,\"two\nlines\"\n3,\"a \"\"quoted\"\" word\"\n", TestName = "line breaks and doubled quotes inside quotes")]
    [TestCase("id,height\r\n1,5'11\"\r\n2,\"6'1\"\"\"\r\n3,12\" pizza\r\n", TestName = "quotes inside unquoted fields, CRLF")]
    [TestCase("\n\nid,v\n\n1,x\n\n2,y\n3,z", TestName = "blank lines, no line break at the end")]
    [TestCase("\uFEFF\"id\nnumber\",v\n1,\"x,\ny\"\n2,y\n3,z\n", TestName = "a BOM before a quoted header with a line break")]
    [TestCase("id\tv\n1\t\"a\tb\nc\"\n2\tx\n3\t\"\"\n", TestName = "TSV")]
    public async Task A_CSVs_rows_are_counted_as_the_converter_writes_them_ending_at_the_rows_it_converted(string csv)
    {
        var name = csv.Contains('\t') ? "rows.tsv" : "rows.csv";
        var (outcome, progress) = await ConvertAsync(Encoding.UTF8.GetBytes(csv), name);

        var rows = outcome.Results.ShouldHaveSingleItem().Table.ShouldNotBeNull().RowCount;
        rows.ShouldBe(3);
        progress.Rows.ShouldNotBeEmpty();
        progress.Rows.ShouldAllBe(r => r >= 0 && r <= 3);
        progress.Rows[^1].ShouldBe(rows, "the pass that writes ends the count");
        progress.Entries.ShouldBeEmpty();
    }

    [Test]
    public async Task A_large_CSVs_count_rises_while_it_is_converted()
    {
        var csv = new StringBuilder("id,name,amount\n");
        for (var i = 0; i < 300_000; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},\"name, {i % 97}\",{i * 0.5}\n");

        var (outcome, progress) = await ConvertAsync(Encoding.UTF8.GetBytes(csv.ToString()), "large.csv");

        progress.Rows[^1].ShouldBe(300_000);
        outcome.Results.ShouldHaveSingleItem().Table.ShouldNotBeNull().RowCount.ShouldBe(300_000);
        // The converter tells its rows per parsed chunk (8,192 records at most, fewer past a MiB), in input order, as
        // each joins the row group being written: not per row group (65,536 rows), not once at the end.
        progress.Rows.ShouldBeInOrder(SortDirection.Ascending);
        progress.Rows.First().ShouldBeLessThanOrEqualTo(8_192);
        progress.Rows.Zip(progress.Rows.Skip(1), (before, after) => after - before).ShouldAllBe(step => step > 0 && step <= 8_192);
    }

    [Test]
    public async Task A_CSV_converted_again_with_wider_types_counts_its_rows_again_from_the_start()
    {
        var csv = new StringBuilder("id,v\n");
        for (var i = 0; i < 20_000; i++)
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i == 15_000 ? "x15000" : i)},{i}\n");

        var (outcome, progress) = await ConvertAsync(Encoding.UTF8.GetBytes(csv.ToString()), "restart.csv");

        outcome.Results.ShouldHaveSingleItem().Table.ShouldNotBeNull().RowCount.ShouldBe(20_000);
        progress.Rows.ShouldBe([8_192, 8_192, 16_384, 20_000],
            "the first pass tells the chunk before the misfit; the pass with a string id counts again from its first chunk");
    }

    [TestCase("[{\"a\": 1, \"b\": {\"c\": [1, 2]}}, {\"a\": 2}, {\"a\": 3, \"b\": {\"c\": []}}]", "rows.json", TestName = "a JSON array of objects")]
    [TestCase("{\"a\": 1}\n\n{\"a\": \"}{\"}\n{\"a\": 3}\n", "rows.jsonl", TestName = "JSON Lines")]
    [TestCase("CREATE TABLE t (a int);\nCREATE TABLE u (b text);\nINSERT INTO t VALUES (1), (2);\nINSERT INTO u VALUES ('x');\n", "dump.sql",
        TestName = "a SQL dump's tables together")]
    public async Task JSON_and_SQL_converters_tell_each_row_they_write(string text, string name)
    {
        var (outcome, progress) = await ConvertAsync(Encoding.UTF8.GetBytes(text), name);

        outcome.Results.Sum(r => r.Table.ShouldNotBeNull().RowCount).ShouldBe(3);
        progress.Rows.ShouldBe([1, 2, 3], "once per row written, not for the pass that learns the columns");
    }

    [Test]
    public async Task A_zips_entries_are_counted_out_of_the_files_its_central_directory_lists()
    {
        using var zip = TestArchives.Zip(("a.csv", "x\n1\n"u8.ToArray()), ("dir/", []), ("dir/b.txt", "hello"u8.ToArray()), ("c.bin", [1, 2, 3]));

        var (_, progress) = await ExpandAsync(zip.ToArray(), "batch.zip");

        progress.Entries.ShouldBe([(1, 3), (2, 3), (3, 3)], "the directory entry is not a file");
        progress.Rows.ShouldBeEmpty();
    }

    [Test]
    public async Task A_tars_entries_are_counted_without_a_total_and_a_gzips_one_entry_out_of_one()
    {
        using var tar = TestArchives.TarGZip(TestArchives.RegularFile("a.csv", "x\n1\n"u8.ToArray()), TestArchives.Entry(TarEntryType.Directory, "d/"),
            TestArchives.RegularFile("d/b.csv", "y\n2\n"u8.ToArray()));
        var (_, fromTar) = await ExpandAsync(tar.ToArray(), "batch.tar.gz");
        fromTar.Entries.ShouldBe([(1, null), (2, null)]);

        using var gzip = TestArchives.GZip("x\n1\n"u8.ToArray(), storedName: "data.csv");
        var (_, fromGZip) = await ExpandAsync(gzip.ToArray(), "data.csv.gz");
        fromGZip.Entries.ShouldBe([(1, 1)]);
    }
}
