using System.Diagnostics;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Processors;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

/// <summary>
/// Each hostile class (issue 13) ends in a result or in a permanent failure that names the limit, the value met and the
/// setting to change; none makes a conversion quadratic or its memory follow the file's claims. Sizes are small, with
/// limits lowered to match; the 1 MB classes run in a child process whose peak memory is measured.
/// </summary>
public class HostileInput_Specs
{
    static readonly ProcessingLimits Tight = new()
    {
        MaxColumns = 100, MaxFlattenedColumns = 100, MaxTables = 50, MaxJsonDepth = 16, MaxNameLength = 64
    };

    static async Task<(ProcessingOutcome Outcome, MemoryOutputs Outputs)> ConvertAsync(HostileInput input, ProcessingLimits limits)
    {
        using var content = new MemoryStream(input.Content, writable: false);
        var type = FileTypeDetector.Detect(input.Content.AsSpan(0, Math.Min(input.Content.Length, FileTypeDetector.PrefixLength)),
            input.FileName);
        var outputs = new MemoryOutputs();
        var outcome = await new ParquetConversionProcessor(limits).ProcessAsync(
            new ProcessingInput(content, input.FileName, type, ArchiveDepth: 0), outputs, CancellationToken.None);
        return (outcome, outputs);
    }

    static Task<ConversionException> Breach(HostileClass kind, int bytes, ProcessingLimits limits) =>
        Should.ThrowAsync<ConversionException>(() => ConvertAsync(HostileInputs.Generate(kind, bytes), limits));

    [TestCase(HostileClass.RepeatedHeaderName, 4_000, "MaxColumns", "the first row has more columns than the 100 allowed (1,000;")]
    [TestCase(HostileClass.WideCsv, 16_000, "MaxColumns", "the first row has more columns than the 100 allowed (1,000;")]
    [TestCase(HostileClass.LongCsvName, 2_000, "MaxNameLength", "longer, in characters, than the 64 allowed (1,992;")]
    [TestCase(HostileClass.LongJsonKey, 2_000, "MaxNameLength", "the key 'kkkk")]
    [TestCase(HostileClass.DeepJson, 1_000, "MaxJsonDepth", "nest deeper than the 16 allowed (17;")]
    [TestCase(HostileClass.DeepJsonArray, 1_000, "MaxJsonDepth", "nest deeper than the 16 allowed (17;")]
    [TestCase(HostileClass.ManyJsonKeys, 2_000, "MaxFlattenedColumns", "more distinct key paths (the last one: 'k100';")]
    [TestCase(HostileClass.ManyTables, 3_000, "MaxTables", "the dump creates more tables (the last one: 't50')")]
    [TestCase(HostileClass.WideSqlTable, 14_000, "MaxColumns", "table 'wide' has more columns than the 100 allowed (101;")]
    [TestCase(HostileClass.WideColumnInsert, 20_000, "MaxColumns", "table 'wide' has more columns than the 100 allowed (101;")]
    public async Task A_file_past_a_limit_fails_naming_the_limit_the_value_and_the_setting(HostileClass kind, int bytes, string limit,
        string reason)
    {
        var error = await Breach(kind, bytes, Tight);

        error.Message.ShouldContain(reason);
        error.Message.ShouldContain($"limit {limit}, raise Processing:Limits:{limit} to accept it");
    }

    [Test]
    public async Task A_row_wider_than_a_row_group_may_hold_fails_naming_the_cells_limit()
    {
        var error = await Breach(HostileClass.WideCsv, 16_000, new ProcessingLimits { MaxCellsPerRowGroup = 500 });

        error.Message.ShouldContain("a row of the table holds more values than the 500 allowed (1,000;");
        error.Message.ShouldContain("raise Processing:Limits:MaxCellsPerRowGroup");
    }

    [Test]
    public async Task A_wide_table_gets_fewer_rows_per_row_group_so_its_memory_is_bounded_by_the_cells_limit()
    {
        var (_, outputs) = await ConvertAsync(HostileInputs.Generate(HostileClass.WideCsv, 16_000),
            new ProcessingLimits { MaxCellsPerRowGroup = 2_000 });

        using var file = new ParquetFile(outputs.Results.Single().Value.ToArray());
        file.ColumnNames.Count.ShouldBe(1_000);
        file.RowCount.ShouldBe(3);
        file.RowGroupCount.ShouldBe(2); // two rows of 1,000 values, then one
    }

    [Test]
    public async Task A_header_repeating_one_name_gets_numbered_names_in_one_pass()
    {
        var (_, outputs) = await ConvertAsync(HostileInputs.Generate(HostileClass.RepeatedHeaderName, 4_000), ProcessingLimits.Default);

        using var file = new ParquetFile(outputs.Results.Single().Value.ToArray());
        file.ColumnNames.ShouldBe(["a", .. Enumerable.Range(2, 999).Select(n => $"a_{n}")]);
    }

    [Test]
    public void Making_300_000_repeated_names_unique_is_linear()
    {
        var names = Enumerable.Repeat("a", 300_000).Concat(["a_2", "A"]).ToList();
        var clock = Stopwatch.StartNew();

        var unique = CsvRecordReader.UniqueNames(names);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10)); // quadratic: 45 billion comparisons
        unique.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(names.Count);
        unique[^2].ShouldBe("a_2_2");
        unique[^1].ShouldBe("A_300001");
    }

    [Test]
    public async Task Tables_whose_names_share_their_first_200_characters_become_distinct_files_named_by_a_hash_of_the_name()
    {
        var dump = HostileInputs.Generate(HostileClass.SharedPrefixTableNames, 2_000);
        var reversed = dump with
        {
            Content = System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
                System.Text.Encoding.UTF8.GetString(dump.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Chunk(2).Reverse().SelectMany(statements => statements)))
        };

        var (outcome, _) = await ConvertAsync(dump, ProcessingLimits.Default);
        var (again, _) = await ConvertAsync(reversed, ProcessingLimits.Default);

        var names = outcome.Results.Select(r => r.Name).ToList();
        names.Count.ShouldBeGreaterThan(2);
        names.Distinct(StringComparer.OrdinalIgnoreCase).Count().ShouldBe(names.Count);
        names.ShouldAllBe(name => name.Length <= FileNames.MaxLength && FileNames.Sanitize(name) == name); // kept whole when published
        again.Results.Select(r => r.Name).ShouldBe(names, ignoreOrder: true);
    }

    [TestCase(HostileClass.LongJsonKey, "MaxNameLength")]
    [TestCase(HostileClass.RepeatedHeaderName, "MaxColumns")]
    [TestCase(HostileClass.ManyTables, "MaxTables")]
    public async Task A_1_MB_hostile_file_fails_in_a_process_that_stays_small(HostileClass kind, string limit)
    {
        var (outcome, peakKilobytes, reason) = await ConvertInChildProcessAsync(kind, 1024 * 1024);

        outcome.ShouldBe("Failed");
        reason.ShouldContain($"raise Processing:Limits:{limit}");
        peakKilobytes.ShouldBeLessThan(200 * 1024);
    }

    /// <summary>Runs this assembly's <see cref="Probe" /> on a generated input and reads what it reports.</summary>
    static async Task<(string Outcome, long PeakKilobytes, string Reason)> ConvertInChildProcessAsync(HostileClass kind, int bytes)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Probe).Assembly.Location, "convert", kind.ToString(), bytes.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true
        };
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        child.ExitCode.ShouldBe(0, await child.StandardError.ReadToEndAsync());

        var fields = output.Trim().Split(' ', 4);
        return (fields[0]["outcome=".Length..], long.Parse(fields[2]["vmhwm_kb=".Length..]), fields[3]["reason=".Length..]);
    }
}
