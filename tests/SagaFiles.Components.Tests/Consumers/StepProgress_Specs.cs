using NUnit.Framework;
using SagaFiles.Components.Consumers;
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

        progress.Read().ShouldBe((4L, (long?)10));
        input.Dispose();
        progress.Read().ShouldBeNull();
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
