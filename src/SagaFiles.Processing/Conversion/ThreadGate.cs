namespace SagaFiles.Processing.Conversion;

/// <summary>
/// Counts the threads a conversion keeps busy, like a semaphore, but lets urgent work (writing the next row group in
/// order, cutting the next chunk) pass the work queued behind it (parsing chunks ahead): otherwise the writer would wait
/// behind a row group's worth of parses, and the threads would idle once the parses ran out.
/// </summary>
sealed class ThreadGate(int threads)
{
    readonly Queue<TaskCompletionSource> _urgent = new();
    readonly Queue<TaskCompletionSource> _queued = new();
    int _free = threads;

    /// <summary>Waits for a thread's turn; <see cref="Exit" /> gives it back.</summary>
    public async Task EnterAsync(bool urgent, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_urgent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_free > 0)
            {
                _free--;
                return;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _queued).Enqueue(turn);
        }

        // A cancelled wait stays queued: Exit skips it and gives the turn to the next one.
        await using (cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken)).ConfigureAwait(false))
            await turn.Task.ConfigureAwait(false);
    }

    public void Exit()
    {
        while (true)
        {
            TaskCompletionSource? next;
            lock (_urgent)
            {
                if (!_urgent.TryDequeue(out next) && !_queued.TryDequeue(out next))
                {
                    _free++;
                    return;
                }
            }

            if (next.TrySetResult())
                return;
        }
    }
}
