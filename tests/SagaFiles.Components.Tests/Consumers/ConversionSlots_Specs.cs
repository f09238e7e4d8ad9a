using NUnit.Framework;
using SagaFiles.Components.Consumers;
using SagaFiles.Processing.Detection;
using Shouldly;

namespace SagaFiles.Components.Tests.Consumers;

public class ConversionSlots_Specs
{
    [TestCase(2, 2, 1)]
    [TestCase(8, 2, 4)]
    [TestCase(1, 4, 1)]
    [TestCase(16, 1, 16)]
    public void A_worker_converts_as_many_large_files_at_once_as_its_cores_allow(int cores, int threadsPerConversion, int slots) =>
        ConversionSlots.CountFor(cores, threadsPerConversion).ShouldBe(slots);

    [Test]
    public async Task A_large_file_or_one_of_unknown_size_waits_for_the_slot_a_small_one_does_not()
    {
        var slots = new ConversionSlots(count: 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var first = (await slots.EnterAsync(FileTypeDetector.PrefixLength + 1, timeout.Token)).ShouldNotBeNull();
        (await slots.EnterAsync(FileTypeDetector.PrefixLength, timeout.Token)).ShouldBeNull("a small file takes no slot");
        (await slots.EnterAsync(1, timeout.Token)).ShouldBeNull();

        var unknown = slots.EnterAsync(null, timeout.Token);
        await Task.Delay(200, timeout.Token);
        unknown.IsCompleted.ShouldBeFalse("the one slot is taken");
        first.Dispose();
        first.Dispose(); // giving it back twice frees one slot, not two
        using (await unknown)
        {
            var third = slots.EnterAsync(FileTypeDetector.PrefixLength + 1, timeout.Token);
            await Task.Delay(200, timeout.Token);
            third.IsCompleted.ShouldBeFalse("a second dispose must not have freed another slot");
        }
    }
}
