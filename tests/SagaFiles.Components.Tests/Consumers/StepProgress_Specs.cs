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
}
