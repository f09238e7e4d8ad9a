using System.Globalization;
using System.Text;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Detection;
using SagaFiles.Processing.Tests.Support;
using Encoding = System.Text.Encoding;

namespace SagaFiles.Processing.Tests;

/// <summary>
/// The input is cut into chunks of whole records that parse on several threads: whatever the threads, the file, the
/// rows and the first error (with its line) are those of one thread, even where quoted line breaks, blank lines,
/// CRLF, a byte order mark or Windows-1252 text meet the cuts.
/// </summary>
public class CsvParallelConversion_Specs
{
    static CsvConversionOptions Threads(int threads, CsvConversionOptions? options = null) =>
        (options ?? CsvConversionOptions.Csv) with
        {
            Limits = ProcessingLimits.Default with { MaxConversionThreads = threads }
        };

    /// <summary>
    /// Rows of every awkward kind: quoted fields with CRLF, LF and doubled quotes inside, a literal quote in an unquoted
    /// field, nulls, long values (so chunks are cut by size too), and a blank line now and then; CRLF line ends.
    /// </summary>
    sealed class Orders
    {
        readonly StringBuilder _csv = new("id,text,amount\r\n");
        long _line = 2; // the next row's line

        public List<string?> Texts { get; } = [];

        public List<long> Lines { get; } = [];

        public Orders(int rows, int blankLineEvery = 5000)
        {
            for (var i = 0; i < rows; i++)
                Add(i, Text(i));
            return;

            void Add(int i, (string Written, string? Value) text)
            {
                if (i > 0 && i % blankLineEvery == 0)
                {
                    _csv.Append("\r\n");
                    _line++;
                }

                Lines.Add(_line);
                Texts.Add(text.Value);
                _csv.Append(i).Append(',').Append(text.Written).Append(',')
                    .Append((i * 0.25).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                _line += 1 + text.Written.Count(c => c == '\n');
            }
        }

        static (string Written, string? Value) Text(int i) => (i % 7) switch
        {
            0 => ($"\"line {i}\r\nsays \"\"hi\"\"\"", $"line {i}\r\nsays \"hi\""),
            1 => ($"5'{i}\"", $"5'{i}\""),
            2 => ("", null),
            3 => ($"\"a, b\n{i}\"", $"a, b\n{i}"),
            4 => (new string((char)('a' + i % 26), 300 + i % 100), new string((char)('a' + i % 26), 300 + i % 100)),
            _ => ($"plain {i}", $"plain {i}")
        };

        /// <summary>Appends a row as it is written, on the next line.</summary>
        public long Append(string row)
        {
            var line = _line;
            _csv.Append(row).Append("\r\n");
            _line += 1 + row.Count(c => c == '\n');
            return line;
        }

        public override string ToString() => _csv.ToString();
    }

    static async Task<(ConversionResult Result, byte[] Parquet)> ConvertBytes(byte[] csv, CsvConversionOptions options)
    {
        await using var input = new MemoryStream(csv);
        await using var output = new MemoryStream();
        var result = await new CsvToParquetConverter().ConvertAsync(input, output, options);
        return (result, output.ToArray());
    }

    [TestCase(2)]
    [TestCase(3)]
    public async Task More_threads_write_the_same_file_as_one_with_every_row_in_order(int threads)
    {
        var orders = new Orders(40_000);
        var csv = Encoding.UTF8.GetBytes(orders.ToString());

        var (one, oneFile) = await ConvertBytes(csv, Threads(1));
        var (two, twoFile) = await ConvertBytes(csv, Threads(threads));

        twoFile.ShouldBe(oneFile);
        two.Columns.ShouldBe(one.Columns);
        (two with { Columns = one.Columns }).ShouldBe(one);
        two.RowCount.ShouldBe(40_000);
        using var file = new ParquetFile(twoFile);
        file.RowCount.ShouldBe(40_000);
        file.RowGroupCount.ShouldBe(1); // 40,000 rows of three columns fit one row group, parsed in several chunks
        file.Values<long?>("id").ShouldBe(Enumerable.Range(0, 40_000).Select(i => (long?)i).ToArray());
        file.Values<string?>("text").ShouldBe(orders.Texts);
        file.Values<double?>("amount")[39_999].ShouldBe(39_999 * 0.25);
    }

    /// <summary>
    /// Ten records to a chunk, three lines to a record: counting line breaks alone would cut inside the quoted field,
    /// and a quote taken literally (5'11") would flip a naive count of quotes.
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    public async Task Quoted_line_breaks_where_a_cut_by_lines_would_fall_stay_inside_their_field(int threads)
    {
        var csv = new StringBuilder("id,height,note\n");
        for (var i = 0; i < 1000; i++)
            csv.Append(i).Append(",5'").Append(i % 12).Append("\",\"first ").Append(i).Append("\nsecond\r\nthird\"\n");

        var (result, parquet) = await ConvertBytes(Encoding.UTF8.GetBytes(csv.ToString()),
            Threads(threads, CsvConversionOptions.Csv with { RowGroupSize = 10 }));

        result.RowCount.ShouldBe(1000);
        result.RowGroupCount.ShouldBe(100);
        using var file = new ParquetFile(parquet);
        file.Values<string?>("height")[999].ShouldBe("5'3\"");
        file.Values<string?>("note").ShouldBe(Enumerable.Range(0, 1000).Select(i => $"first {i}\nsecond\r\nthird").ToArray());
    }

    [Test]
    public async Task Row_groups_of_many_chunks_and_chunks_cut_by_size_keep_the_rows_in_order()
    {
        var orders = new Orders(30_000, blankLineEvery: 777);
        var csv = Encoding.UTF8.GetBytes(orders.ToString());
        var options = CsvConversionOptions.Csv with { RowGroupSize = 10_000 };

        var (one, oneFile) = await ConvertBytes(csv, Threads(1, options));
        var (two, twoFile) = await ConvertBytes(csv, Threads(2, options));

        twoFile.ShouldBe(oneFile);
        two.RowCount.ShouldBe(30_000);
        one.RowCount.ShouldBe(30_000);
        using var file = new ParquetFile(twoFile);
        file.RowGroupCount.ShouldBeGreaterThanOrEqualTo(3);
        file.Values<string?>("text").ShouldBe(orders.Texts);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Windows_1252_and_utf8_with_a_byte_order_mark_convert_alike_on_two_threads(bool windows1252)
    {
        var csv = new StringBuilder("id,name\n");
        var names = new List<string?>();
        for (var i = 0; i < 30_000; i++)
        {
            var name = $"café {i} Müller € \"{i % 10}\"";
            names.Add(name);
            csv.Append(i).Append(",\"").Append(name.Replace("\"", "\"\"")).Append("\"\n");
        }

        byte[] bytes = windows1252
            ? TextSniffer.Windows1252.GetBytes(csv.ToString())
            : [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];

        var (one, oneFile) = await ConvertBytes(bytes, Threads(1));
        var (two, twoFile) = await ConvertBytes(bytes, Threads(2));

        twoFile.ShouldBe(oneFile);
        two.RowCount.ShouldBe(30_000);
        using var file = new ParquetFile(twoFile);
        file.Values<string?>("name").ShouldBe(names);
    }

    [Test]
    public async Task A_late_mismatch_in_a_later_chunk_restarts_with_wider_types_on_two_threads()
    {
        var orders = new Orders(25_000);
        orders.Append("25000,late,not a number");
        var csv = Encoding.UTF8.GetBytes(orders.ToString());

        var (one, oneFile) = await ConvertBytes(csv, Threads(1));
        var (two, twoFile) = await ConvertBytes(csv, Threads(2));

        twoFile.ShouldBe(oneFile);
        two.Restarted.ShouldBeTrue();
        two.RowCount.ShouldBe(25_001);
        two.Columns.Single(c => c.Name == "amount").Type.ShouldBe(ColumnType.String);
        using var file = new ParquetFile(twoFile);
        file.Values<string?>("amount")[25_000].ShouldBe("not a number");
        file.Values<string?>("amount")[24_999].ShouldBe((24_999 * 0.25).ToString(CultureInfo.InvariantCulture));
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task A_late_mismatch_that_cannot_restart_names_its_line_after_many_multi_line_fields(int threads)
    {
        var orders = new Orders(25_000);
        var line = orders.Append("25000,late,x9");
        orders.Append("25001,after,1");
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(orders.ToString()));
        await using var output = new ForwardOnlyStream();

        var error = await Should.ThrowAsync<ConversionException>(() =>
            new CsvToParquetConverter().ConvertAsync(input, output, Threads(threads)));

        error.LineNumber.ShouldBe(line);
        error.Message.ShouldStartWith($"Line {line}: column 'amount': value \"x9\" does not fit the Double type");
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task A_ragged_row_in_a_later_chunk_fails_naming_its_line(int threads)
    {
        var orders = new Orders(20_000);
        var line = orders.Append("20000,\"two\nlines\"");
        orders.Append("20001,x,1");

        var error = await CsvConversion.Failure(Encoding.UTF8.GetBytes(orders.ToString()), Threads(threads));

        error.Message.ShouldBe($"Line {line}: expected 3 fields as in the first row, found 2 (a ragged row).");
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task An_unterminated_quote_in_a_later_chunk_fails_naming_the_line_it_opens_on(int threads)
    {
        var orders = new Orders(20_000);
        var line = orders.Append("20000,\"never closed,1");
        orders.Append("20001,x,1");

        var error = await CsvConversion.Failure(Encoding.UTF8.GetBytes(orders.ToString()), Threads(threads));

        error.Message.ShouldBe($"Line {line}: a quoted field is never closed (unterminated quote).");
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Invalid_utf8_in_a_later_chunk_fails_with_its_line(int threads)
    {
        var orders = new Orders(70_000); // past the 4 MiB the encoding is chosen from
        var line = orders.Append("70000,caf\u00e9,1");
        var csv = Encoding.UTF8.GetBytes(orders.ToString());
        var at = csv.AsSpan().LastIndexOf("caf\u00e9"u8) + 3;
        csv = [.. csv[..at], 0xE9, .. csv[(at + 2)..]];

        var error = await CsvConversion.Failure(csv, Threads(threads));

        error.LineNumber.ShouldBe(line);
        error.Message.ShouldContain("invalid UTF-8 (byte 0xE9");
    }

    /// <summary>Blank lines before the header are no records, however many: the first chunk still starts with it.</summary>
    [TestCase(1)]
    [TestCase(2)]
    public async Task Many_blank_lines_before_the_header_are_skipped_and_counted(int threads)
    {
        var csv = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
            csv.Append(i % 2 == 0 ? "\n" : "\r\n");
        csv.Append("id,name\n");
        for (var i = 0; i < 20_000; i++)
            csv.Append(i).Append(",n").Append(i).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());

        var (result, parquet) = await ConvertBytes(bytes, Threads(threads));

        result.RowCount.ShouldBe(20_000);
        result.Columns.Select(c => c.Name).ShouldBe(["id", "name"]);
        using var file = new ParquetFile(parquet);
        file.Values<long?>("id")[0].ShouldBe(0);
        var error = await CsvConversion.Failure([.. bytes, .. "20000\n"u8], Threads(threads));
        error.LineNumber.ShouldBe(20_000 + 1 + 20_000 + 1);
    }

    [Test]
    public async Task A_one_column_file_keeps_its_blank_lines_as_nulls_across_chunks()
    {
        var csv = new StringBuilder("word\n");
        var words = new List<string?>();
        for (var i = 0; i < 30_000; i++)
        {
            var word = i % 3 == 0 ? null : $"w{i}";
            words.Add(word);
            csv.Append(word).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        var (one, oneFile) = await ConvertBytes(bytes, Threads(1));
        var (two, twoFile) = await ConvertBytes(bytes, Threads(2));

        twoFile.ShouldBe(oneFile);
        two.RowCount.ShouldBe(30_000);
        using var file = new ParquetFile(twoFile);
        file.Values<string?>("word").ShouldBe(words);
    }

    [TestCase(1)]
    [TestCase(2)]
    public async Task Cancellation_during_the_conversion_stops_it(int threads)
    {
        var csv = Encoding.UTF8.GetBytes(new Orders(200_000).ToString());
        using var cancellation = new CancellationTokenSource();
        // Cancelled once the conversion has read well past what choosing the encoding and sampling read.
        await using var input = new CancelAfterStream(csv, csv.Length / 2, cancellation);
        await using var output = new MemoryStream();

        await Should.ThrowAsync<OperationCanceledException>(() =>
            new CsvToParquetConverter().ConvertAsync(input, output, Threads(threads), cancellation.Token));

        input.Position.ShouldBeLessThan(csv.Length);
    }

    /// <summary>A memory stream that cancels a token once a read passes a position.</summary>
    sealed class CancelAfterStream(byte[] content, long cancelAt, CancellationTokenSource cancellation)
        : MemoryStream(content, writable: false)
    {
        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer); // a derived stream's base reads through Read(byte[], int, int)
            if (Position > cancelAt)
                cancellation.Cancel();
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
