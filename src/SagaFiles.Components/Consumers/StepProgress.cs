namespace SagaFiles.Components.Consumers;

/// <summary>
/// How far a running step is through its input, as the step lets it be read: it hands over a probe of the bytes done
/// (a stream's position, a hash's count), and <see cref="StepBudgets" /> reads it on its own schedule.
/// </summary>
public sealed class StepProgress
{
    Func<long>? _done;
    long? _total;

    /// <summary>From now on the step's progress is what <paramref name="done" /> answers, out of <paramref name="total" />.</summary>
    /// <param name="done">Called from another thread: a read of a counter, nothing that blocks or changes state.</param>
    public void Track(Func<long> done, long? total)
    {
        _total = total;
        Volatile.Write(ref _done, done);
    }

    /// <returns>The bytes done and the total; null before the step tracks anything, and once what it tracked is closed
    /// (the step is past that input, and a read between closing it and the step's end must not fail the step).</returns>
    public (long Done, long? Total)? Read()
    {
        if (Volatile.Read(ref _done) is not { } done)
            return null;
        try
        {
            return (done(), _total);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
