using ParquetSharp;
using SagaFiles.Processing.Conversion;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

public class ParquetTableWriter_Specs
{
    static readonly ColumnSpec Int64 = new(ColumnType.Int64, 0, false);
    static readonly ColumnSpec Text = new(ColumnType.String, 0, false);

    [Test]
    public void Rows_of_text_are_written_as_typed_columns_and_read_back()
    {
        string[] names = ["id", "price", "amount", "ok", "at", "day", "name"];
        ColumnSpec[] specs =
        [
            Int64, new(ColumnType.Double, 0, false), new(ColumnType.Decimal, 2, false), new(ColumnType.Boolean, 0, false),
            new(ColumnType.Timestamp, 0, false), new(ColumnType.Date, 0, false), new(ColumnType.String, 0, true)
        ];
        using var output = new MemoryStream();
        ParquetWriteSummary summary;
        using (var writer = new ParquetTableWriter(output, names, specs, ParquetWriteOptions.Default))
        {
            string?[][] rows =
            [
                ["7", "1.5", "12345678901234567.89", "true", "2024-03-01T10:00:00+01:00", "2024-02-29", ""],
                [null, null, null, null, null, null, null]
            ];
            foreach (var row in rows)
            {
                for (var c = 0; c < row.Length; c++)
                {
                    if (row[c] is { } value)
                        writer.TryAppend(c, value).ShouldBeTrue();
                    else
                        writer.AppendNull(c);
                }

                writer.EndRow();
            }

            summary = writer.Close();
        }

        summary.ShouldBe(new ParquetWriteSummary(2, 1, output.Length));
        using var file = new ParquetFile(output.ToArray());
        file.Values<long?>("id").ShouldBe([7L, null]);
        file.Values<double?>("price").ShouldBe([1.5, null]);
        file.Values<decimal?>("amount").ShouldBe([12345678901234567.89m, null]);
        file.Values<bool?>("ok").ShouldBe([true, null]);
        file.Values<DateTime?>("at").ShouldBe([new DateTime(2024, 3, 1, 9, 0, 0, DateTimeKind.Utc), null]);
        file.Values<DateOnly?>("day").ShouldBe([new DateOnly(2024, 2, 29), null]);
        file.Values<string?>("name").ShouldBe(["", null]);
        file.Descriptor("day").LogicalType.ShouldBeOfType<DateLogicalType>();
        file.CompressionOf("id").ShouldBe(Compression.Zstd);
    }

    [Test]
    public void Encoding_row_groups_beside_the_caller_writes_the_same_bytes_as_one_thread()
    {
        static byte[] Write(int threads)
        {
            using var output = new MemoryStream();
            using var writer = new ParquetTableWriter(output, ["id", "name"], [Int64, Text],
                ParquetWriteOptions.Default with { RowGroupSize = 1000, Threads = threads });
            for (var row = 0; row < 10_500; row++)
            {
                writer.TryAppend(0, row.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBeTrue();
                writer.TryAppend(1, $"name {row % 97}").ShouldBeTrue();
                writer.EndRow();
            }

            writer.Close().ShouldBe(new ParquetWriteSummary(10_500, 11, output.Length));
            return output.ToArray();
        }

        var beside = Write(threads: 2);
        beside.ShouldBe(Write(threads: 1));
        using var file = new ParquetFile(beside);
        file.Values<long?>("id").ShouldBe(Enumerable.Range(0, 10_500).Select(i => (long?)i));
    }

    [Test]
    public async Task A_row_group_whose_later_column_is_encoded_first_is_still_written_in_column_order()
    {
        static ColumnBuffer[] Part(int from, int rows, Func<ColumnBuffer, ColumnBuffer>? wrapId = null)
        {
            ColumnBuffer[] part = [ColumnBuffer.Create("id", Int64, rows), ColumnBuffer.Create("name", Text, rows)];
            for (var row = from; row < from + rows; row++)
            {
                part[0].TryAppend(row.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBeTrue();
                part[1].TryAppend($"name {row % 97}").ShouldBeTrue();
            }

            part[0] = wrapId?.Invoke(part[0]) ?? part[0];
            return part;
        }

        static async Task<byte[]> Write(Func<ColumnBuffer, ColumnBuffer>? wrapId, Func<RowGroupEncoding, Task> encode)
        {
            using var output = new MemoryStream();
            using var writer = new ParquetTableWriter(output, ["id", "name"], [Int64, Text], ParquetWriteOptions.Default);
            for (var group = 0; group < 3; group++)
            {
                var encoding = writer.BeginRowGroup([Part(group * 2_000, 1_500, wrapId), Part(group * 2_000 + 1_500, 500)], 2_000);
                await encode(encoding);
                encoding.Finish();
            }

            writer.Close().ShouldBe(new ParquetWriteSummary(6_000, 3, output.Length));
            return output.ToArray();
        }

        var oneThread = await Write(null, encoding =>
        {
            while (encoding.EncodeNext())
            {
            }

            return Task.CompletedTask;
        });

        // Column 0 is taken first and held until column 1 is written on another thread, which must then leave column 1
        // unclosed (its pages not yet appended to the file) for the thread that closes column 0 to close after it.
        HeldBuffer? held = null;
        var outOfOrder = await Write(id => held = new HeldBuffer(id), async encoding =>
        {
            var first = Task.Run(encoding.EncodeNext);
            held!.Taken.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();
            (await Task.Run(encoding.EncodeNext)).ShouldBeTrue("column 1, written while column 0 is held");
            encoding.EncodeNext().ShouldBeFalse("no column is left");
            Should.Throw<InvalidOperationException>(encoding.Finish, "column 0 is not written yet");
            held.Release.Set();
            (await first).ShouldBeTrue();
        });

        outOfOrder.ShouldBe(oneThread);
        using var file = new ParquetFile(outOfOrder);
        file.Values<long?>("id").ShouldBe(Enumerable.Range(0, 6_000).Select(i => (long?)i));
    }

    /// <summary>Tells when its values start being written, and waits for <see cref="Release" /> to write them.</summary>
    sealed class HeldBuffer(ColumnBuffer inner) : ColumnBuffer
    {
        public ManualResetEventSlim Taken { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public override Column Column => inner.Column;

        public override int Count => inner.Count;

        public override bool TryAppend(ReadOnlySpan<char> field) => inner.TryAppend(field);

        public override void AppendNull() => inner.AppendNull();

        public override void WriteTo(ColumnWriter column)
        {
            Taken.Set();
            Release.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();
            inner.WriteTo(column);
        }

        public override void Clear() => inner.Clear();
    }

    [Test]
    public void A_row_group_that_fails_to_encode_beside_the_caller_fails_the_next_flush_or_the_close()
    {
        using var output = new FailingStream(failAfterBytes: 64);
        using var writer = new ParquetTableWriter(output, ["id"], [Int64], ParquetWriteOptions.Default with { RowGroupSize = 100, Threads = 2 });

        // ParquetSharp reports the stream's exception as its own, with the stream's message.
        Should.Throw<ParquetException>(() =>
        {
            for (var row = 0; row < 1_000; row++)
            {
                writer.TryAppend(0, "1").ShouldBeTrue();
                writer.EndRow();
            }

            writer.Close();
        }).Message.ShouldContain("The disk is full.");
    }

    /// <summary>Takes <c>failAfterBytes</c>, then fails every write as a full disk would.</summary>
    sealed class FailingStream(int failAfterBytes) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > failAfterBytes)
                throw new IOException("The disk is full.");
            base.Write(buffer, offset, count);
        }
    }

    [Test]
    public void A_value_that_does_not_fit_is_refused_and_the_row_can_still_be_completed()
    {
        using var output = new MemoryStream();
        using (var writer = new ParquetTableWriter(output, ["n"], [Int64], ParquetWriteOptions.Default))
        {
            writer.TryAppend(0, "12x").ShouldBeFalse();
            writer.TryAppend(0, "").ShouldBeFalse();
            writer.TryAppend(0, "12").ShouldBeTrue();
            writer.EndRow();
            writer.Close().Rows.ShouldBe(1);
        }

        using var file = new ParquetFile(output.ToArray());
        file.Values<long?>("n").ShouldBe([12L]);
    }

    [Test]
    public void Row_groups_are_written_as_they_fill()
    {
        using var output = new MemoryStream();
        using var writer = new ParquetTableWriter(output, ["n"], [Int64], new ParquetWriteOptions { RowGroupSize = 3 });
        for (var i = 0; i < 7; i++)
        {
            writer.TryAppend(0, i.ToString()).ShouldBeTrue();
            writer.EndRow();
        }

        var written = output.Length;
        var summary = writer.Close();

        written.ShouldBeGreaterThan(0); // two full row groups went out before Close
        summary.Rows.ShouldBe(7);
        summary.RowGroups.ShouldBe(3);
        using var file = new ParquetFile(output.ToArray());
        file.RowGroupCount.ShouldBe(3);
        file.Values<long?>("n").ShouldBe(Enumerable.Range(0, 7).Select(i => (long?)i).ToArray());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Strings_keep_their_text_across_row_groups_nulls_and_empties_included(bool dictionary)
    {
        string?[] values = ["Grüße", null, "", "日本語", "🙂 ok", new string('x', 10_000), null, "plain", "Grüße", ""];
        using var output = new MemoryStream();
        using (var writer = new ParquetTableWriter(output, ["s"], [new ColumnSpec(ColumnType.String, 0, dictionary)],
                   new ParquetWriteOptions { RowGroupSize = 3 }))
        {
            foreach (var value in values)
            {
                if (value is null)
                    writer.AppendNull(0);
                else
                    writer.TryAppend(0, value).ShouldBeTrue();
                writer.EndRow();
            }

            writer.Close();
        }

        using var file = new ParquetFile(output.ToArray());
        file.RowGroupCount.ShouldBe(4);
        file.Values<string?>("s").ShouldBe(values);
    }

    [Test]
    public void No_rows_give_a_valid_empty_file()
    {
        using var output = new MemoryStream();
        using (var writer = new ParquetTableWriter(output, ["a", "b"], [Text, Int64], ParquetWriteOptions.Default))
            writer.Close().ShouldBe(new ParquetWriteSummary(0, 0, output.Length));

        using var file = new ParquetFile(output.ToArray());
        file.RowCount.ShouldBe(0);
        file.ColumnNames.ShouldBe(["a", "b"]);
    }

    [Test]
    public void The_output_is_left_open()
    {
        using var output = new MemoryStream();
        using (var writer = new ParquetTableWriter(output, ["a"], [Text], ParquetWriteOptions.Default))
            writer.Close();

        output.CanWrite.ShouldBeTrue();
    }

    [Test]
    public void Repeated_column_names_are_refused()
    {
        var error = Should.Throw<ArgumentException>(() =>
            new ParquetTableWriter(new MemoryStream(), ["a", "b", "a"], [Text, Text, Text], ParquetWriteOptions.Default));

        error.Message.ShouldContain("'a' is used more than once");
    }

    [Test]
    public void A_spec_count_different_from_the_names_is_refused()
    {
        Should.Throw<ArgumentException>(() =>
            new ParquetTableWriter(new MemoryStream(), ["a", "b"], [Text], ParquetWriteOptions.Default));
    }

    [TestCase(0, 3)]
    [TestCase(1000, 0)]
    [TestCase(1000, 23)]
    public void Out_of_range_options_are_refused(int rowGroupSize, int compressionLevel)
    {
        var options = new ParquetWriteOptions { RowGroupSize = rowGroupSize, CompressionLevel = compressionLevel };

        Should.Throw<ArgumentOutOfRangeException>(() => new ParquetTableWriter(new MemoryStream(), ["a"], [Text], options));
    }

    [Test]
    public void A_row_missing_a_column_cannot_end()
    {
        using var writer = new ParquetTableWriter(new MemoryStream(), ["a", "b"], [Text, Text], ParquetWriteOptions.Default);
        writer.TryAppend(0, "x");

        Should.Throw<InvalidOperationException>(writer.EndRow).Message.ShouldContain("Column 'b' has no value in row 1");
    }

    [Test]
    public void A_column_cannot_get_two_values_in_one_row()
    {
        using var writer = new ParquetTableWriter(new MemoryStream(), ["a"], [Text], ParquetWriteOptions.Default);
        writer.AppendNull(0);

        Should.Throw<InvalidOperationException>(() => writer.TryAppend(0, "x"))
            .Message.ShouldContain("Column 'a' already has a value in row 1");
    }
}
