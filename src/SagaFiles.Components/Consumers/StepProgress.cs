using SagaFiles.Processing.Processors;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// How far a running step is, as the step lets it be read: it hands over a probe of the bytes done (a stream's position, a
/// hash's count), a processor tells it the rows or entries it has done (<see cref="IProcessingProgress" />), and
/// <see cref="StepBudgets" /> reads both on its own schedule, from another thread.
/// </summary>
public sealed class StepProgress : IProcessingProgress
{
    Func<long>? _done;
    long? _total;
    long _rows = -1;
    long _entries = -1;
    long _entriesTotal = -1;

    /// <summary>From now on the step's progress is what <paramref name="done" /> answers, out of <paramref name="total" />.</summary>
    /// <param name="done">Called from another thread: a read of a counter, nothing that blocks or changes state.</param>
    public void Track(Func<long> done, long? total)
    {
        _total = total;
        Volatile.Write(ref _done, done);
    }

    public void RowsConverted(long rows) => Volatile.Write(ref _rows, rows);

    public void EntriesExpanded(long entries, long? total)
    {
        // The total first: a reader that sees the new count sees its total too.
        Volatile.Write(ref _entriesTotal, total ?? -1);
        Volatile.Write(ref _entries, entries);
    }

    /// <returns>The bytes done and the total, and the rows or entries the processor counted; null before the step tracks
    /// anything, and once what it tracked is closed (the step is past that input, and a read between closing it and the
    /// step's end must not fail the step).</returns>
    public StepReading? Read()
    {
        if (Volatile.Read(ref _done) is not { } done)
            return null;
        var entries = Volatile.Read(ref _entries);
        var entriesTotal = Volatile.Read(ref _entriesTotal);
        var rows = Volatile.Read(ref _rows);
        try
        {
            return new StepReading(done(), _total, rows < 0 ? null : rows, entries < 0 ? null : entries, entriesTotal < 0 ? null : entriesTotal);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}

/// <summary>One reading of <see cref="StepProgress" />: bytes done of a total, and a processor's rows or entries (null: none counted).</summary>
public sealed record StepReading(long BytesDone, long? BytesTotal, long? RowsDone = null, long? EntriesDone = null, long? EntriesTotal = null)
{
    /// <summary>Whether this reading says more than <paramref name="earlier" /> (null: nothing reported yet).</summary>
    public bool Advanced(StepReading? earlier) =>
        earlier is null
            ? BytesDone > 0 || RowsDone > 0 || EntriesDone > 0
            : BytesDone > earlier.BytesDone || RowsDone > (earlier.RowsDone ?? 0) || EntriesDone > (earlier.EntriesDone ?? 0);
}
