using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Processing;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class StepProgress_Specs
{
    [Test]
    public void A_tracked_stream_reads_as_its_position_and_as_nothing_once_closed()
    {
        var progress = new StepProgress();
        progress.Read().ShouldBeNull();
        var input = new MemoryStream(new byte[10]) { Position = 4 };
        progress.Track(() => input.Position, total: 10);

        progress.Read().ShouldBe(new StepReading(4, 10));
        input.Dispose();
        progress.Read().ShouldBeNull();
    }

    [Test]
    public void A_processors_rows_and_entries_are_read_with_the_bytes_and_count_as_advancing()
    {
        var progress = new StepProgress();
        progress.RowsConverted(5);
        progress.Read().ShouldBeNull("nothing is read before the step tracks its input");
        progress.Track(() => 100, total: 200);
        progress.Read().ShouldBe(new StepReading(100, 200, RowsDone: 5));

        progress.EntriesExpanded(2, total: 7);
        var reading = progress.Read().ShouldNotBeNull();
        reading.ShouldBe(new StepReading(100, 200, RowsDone: 5, EntriesDone: 2, EntriesTotal: 7));
        reading.Advanced(new StepReading(100, 200, RowsDone: 5, EntriesDone: 1, EntriesTotal: 7)).ShouldBeTrue("one more entry, the same bytes");
        reading.Advanced(new StepReading(100, 200, RowsDone: 4)).ShouldBeTrue("one more row");
        reading.Advanced(reading).ShouldBeFalse();
        new StepReading(0, 200).Advanced(null).ShouldBeFalse("nothing done yet");
        new StepReading(0, null, EntriesDone: 1).Advanced(null).ShouldBeTrue();
    }

    [Test]
    public async Task A_scratch_files_position_read_from_another_thread_never_runs_ahead_of_what_was_written_or_read()
    {
        const int size = 16_000_004;
        var source = new byte[size];
        await using var content = new ProgressTrackedStream(TempFile.Create(Guid.NewGuid(), "progress"));
        long reads = 0, lowest = long.MaxValue, highest = long.MinValue;
        using var done = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var position = content.Reported;
                (lowest, highest, reads) = (Math.Min(lowest, position), Math.Max(highest, position), reads + 1);
            }
        });

        for (var offset = 0; offset < size; offset += 100_003)
            await content.WriteAsync(source.AsMemory(offset, Math.Min(100_003, size - offset)));
        content.Position = 0;
        var buffer = new byte[70_001];
        while (await content.ReadAsync(buffer) > 0)
        {
        }

        await done.CancelAsync();
        await reader;
        reads.ShouldBeGreaterThan(0);
        lowest.ShouldBeGreaterThanOrEqualTo(0);
        highest.ShouldBeLessThanOrEqualTo(size);
        content.Reported.ShouldBe(size);
    }
}
