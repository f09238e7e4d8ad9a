using System.Threading.Channels;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Gathers entries for one queue or topic into batch requests. The first entry of a batch waits at most the linger for
/// more; at most <see cref="AmazonSqsBatchSettings.MaxConcurrentBatches" /> requests are in flight, and entries that
/// arrive meanwhile leave together in the next. Each caller learns its own entry's outcome: an entry the service failed
/// on its side (not the sender's fault) goes out again in a later batch, up to <see cref="MaxAttempts" /> times, before
/// its caller sees the failure. An entry the service did not take was not stored, so sending it again makes no duplicate.
/// </summary>
abstract class RequestBatcher<TEntry> : IAsyncDisposable
{
    /// <summary>Tries of an entry that failed on the service's side (e.g. InternalError) before its caller is told.</summary>
    public const int MaxAttempts = 3;

    static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly AmazonSqsBatchSettings _settings;
    readonly int _maxBatchBytes;
    readonly SemaphoreSlim _slots;
    readonly Task _loop;
    int _retrying;
    volatile bool _stopping;

    protected RequestBatcher(AmazonSqsBatchSettings settings, int maxBatchBytes)
    {
        _settings = settings;
        _maxBatchBytes = maxBatchBytes;
        _slots = new SemaphoreSlim(settings.MaxConcurrentBatches);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Sends <paramref name="entry" /> (<paramref name="bytes" /> towards the batch's size limit) with others, and completes
    /// when its batch answered for it. With no linger and a request slot free it goes out at once from the caller, without
    /// a hop through the batching loop: an idle bus pays nothing for batching.
    /// </summary>
    public Task Submit(TEntry entry, int bytes)
    {
        if (_settings.Linger == TimeSpan.Zero && !_stopping && _slots.Wait(0))
            return SendAloneAsync(entry, bytes);
        return Enqueue(new Pending(entry, bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
    }

    Task Enqueue(Pending pending)
    {
        if (!_pending.Writer.TryWrite(pending))
            pending.Completion.TrySetException(new ObjectDisposedException(GetType().Name, "The bus is stopping: nothing more is sent."));
        return pending.Completion.Task;
    }

    async Task SendAloneAsync(TEntry entry, int bytes)
    {
        Task retried;
        try
        {
            var failures = await SendBatchAsync([entry]).ConfigureAwait(false);
            if (failures.Count == 0)
                return;
            if (!failures[0].Retry)
                throw failures[0].Error;
            var pending = new Pending(entry, bytes, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)) { Attempt = 2 };
            Retry(pending);
            retried = pending.Completion.Task;
        }
        finally
        {
            _slots.Release();
        }

        await retried.ConfigureAwait(false);
    }

    /// <summary>Sends one batch; returns the entries that failed, by their index in <paramref name="entries" />.</summary>
    protected abstract Task<IReadOnlyList<EntryFailure>> SendBatchAsync(IReadOnlyList<TEntry> entries);

    async Task RunAsync()
    {
        var reader = _pending.Reader;
        // An entry first, then a request slot: while every slot is busy, what arrives gathers into the next batch.
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _slots.WaitAsync().ConfigureAwait(false);

            var batch = new List<Pending>(_settings.MaxEntries);
            var bytes = 0;
            var full = Take(reader, batch, ref bytes);
            if (!full && _settings.Linger > TimeSpan.Zero)
            {
                using var linger = new CancellationTokenSource(_settings.Linger);
                try
                {
                    while (!full && await reader.WaitToReadAsync(linger.Token).ConfigureAwait(false))
                        full = Take(reader, batch, ref bytes);
                }
                catch (OperationCanceledException) when (linger.IsCancellationRequested)
                {
                }
            }

            _ = RunBatchAsync(batch);
        }

        // Stopping: wait for the requests in flight and for failed entries on their way back.
        for (var i = 0; i < _settings.MaxConcurrentBatches; i++)
            await _slots.WaitAsync().ConfigureAwait(false);
    }

    /// <summary>Moves entries from the channel into the batch while they fit; true when the batch can take no more.</summary>
    bool Take(ChannelReader<Pending> reader, List<Pending> batch, ref int bytes)
    {
        while (batch.Count < _settings.MaxEntries && reader.TryPeek(out var next))
        {
            if (batch.Count > 0 && bytes + next.Bytes > _maxBatchBytes)
                return true;
            reader.TryRead(out _);
            batch.Add(next);
            bytes += next.Bytes;
        }

        return batch.Count >= _settings.MaxEntries;
    }

    async Task RunBatchAsync(List<Pending> batch)
    {
        try
        {
            IReadOnlyList<EntryFailure> failures;
            try
            {
                failures = await SendBatchAsync(batch.Select(p => p.Entry).ToList()).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                foreach (var pending in batch)
                    pending.Completion.TrySetException(exception);
                return;
            }

            var failed = new HashSet<int>();
            foreach (var failure in failures)
            {
                if (failure.Index < 0 || failure.Index >= batch.Count || !failed.Add(failure.Index))
                    continue;
                var pending = batch[failure.Index];
                if (failure.Retry && pending.Attempt < MaxAttempts)
                    Retry(pending with { Attempt = pending.Attempt + 1 });
                else
                    pending.Completion.TrySetException(failure.Error);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (!failed.Contains(i))
                    batch[i].Completion.TrySetResult();
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Queues a failed entry again after a short pause; the loop waits for it before it ends.</summary>
    void Retry(Pending pending)
    {
        Interlocked.Increment(ref _retrying);
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(RetryDelay * pending.Attempt).ConfigureAwait(false);
                if (!_pending.Writer.TryWrite(pending))
                    pending.Completion.TrySetException(new ObjectDisposedException(GetType().Name, "The bus stopped before a failed entry could be sent again."));
            }
            finally
            {
                Interlocked.Decrement(ref _retrying);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        // Entries failed by the service may be on their way back into the channel: let them in before closing it.
        while (Volatile.Read(ref _retrying) > 0)
            await Task.Delay(RetryDelay).ConfigureAwait(false);
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _slots.Dispose();
    }

    sealed record Pending(TEntry Entry, int Bytes, TaskCompletionSource Completion)
    {
        public int Attempt { get; init; } = 1;
    }
}

/// <summary>An entry of a batch that failed; <see cref="Retry" /> when it failed on the service's side and may go out again.</summary>
readonly record struct EntryFailure(int Index, Exception Error, bool Retry);
