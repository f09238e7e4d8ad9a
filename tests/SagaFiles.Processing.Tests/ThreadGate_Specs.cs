using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Tests;

/// <summary>The gate that keeps a conversion within its threads: never more inside than it allows, the writer first.</summary>
public class ThreadGate_Specs
{
    [Test]
    public async Task No_more_than_its_threads_are_inside_at_once()
    {
        var gate = new ThreadGate(2);
        await gate.EnterAsync(urgent: false, CancellationToken.None);
        await gate.EnterAsync(urgent: false, CancellationToken.None);

        var third = gate.EnterAsync(urgent: true, CancellationToken.None);
        await Task.Delay(50);
        third.IsCompleted.ShouldBeFalse();

        gate.Exit();
        await third.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task Urgent_work_goes_before_work_queued_earlier()
    {
        var gate = new ThreadGate(1);
        await gate.EnterAsync(urgent: false, CancellationToken.None);
        var parse = gate.EnterAsync(urgent: false, CancellationToken.None);
        var write = gate.EnterAsync(urgent: true, CancellationToken.None);

        gate.Exit();
        await write.WaitAsync(TimeSpan.FromSeconds(5));
        parse.IsCompleted.ShouldBeFalse();

        gate.Exit();
        await parse.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task A_cancelled_wait_gives_its_turn_to_the_next_and_keeps_no_thread()
    {
        var gate = new ThreadGate(1);
        await gate.EnterAsync(urgent: false, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(urgent: true, cancellation.Token);
        var next = gate.EnterAsync(urgent: false, CancellationToken.None);

        await cancellation.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => cancelled);
        gate.Exit();
        await next.WaitAsync(TimeSpan.FromSeconds(5));

        gate.Exit();
        await gate.EnterAsync(urgent: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var blocked = gate.EnterAsync(urgent: false, CancellationToken.None);
        await Task.Delay(50);
        blocked.IsCompleted.ShouldBeFalse("one thread, and it is taken");
    }
}
