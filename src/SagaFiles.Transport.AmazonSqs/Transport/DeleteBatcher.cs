using System.Threading.Channels;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Deletes consumed messages ten at a time (SQS's batch limit): completions arriving within a few milliseconds of each
/// other share one DeleteMessageBatch call, and each caller learns whether its own entry was deleted.
/// </summary>
sealed class DeleteBatcher : IAsyncDisposable
{
    const int MaxBatchSize = 10;
    static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    readonly Channel<(string ReceiptHandle, TaskCompletionSource Completion)> _pending =
        Channel.CreateUnbounded<(string, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    readonly IAmazonSQS _sqs;
    readonly string _queueUrl;
    readonly Task _loop;

    public DeleteBatcher(IAmazonSQS sqs, string queueUrl)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
        _loop = Task.Run(RunAsync);
    }

    public Task DeleteAsync(string receiptHandle)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((receiptHandle, completion)))
            completion.SetException(new ObjectDisposedException(nameof(DeleteBatcher)));
        return completion.Task;
    }

    async Task RunAsync()
    {
        var batch = new List<(string ReceiptHandle, TaskCompletionSource Completion)>(MaxBatchSize);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatchSize && _pending.Reader.TryRead(out var entry))
                batch.Add(entry);
            if (batch.Count < MaxBatchSize)
            {
                await Task.Delay(Linger).ConfigureAwait(false);
                while (batch.Count < MaxBatchSize && _pending.Reader.TryRead(out var entry))
                    batch.Add(entry);
            }

            await DeleteBatchAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    async Task DeleteBatchAsync(List<(string ReceiptHandle, TaskCompletionSource Completion)> batch)
    {
        try
        {
            var request = new DeleteMessageBatchRequest
            {
                QueueUrl = _queueUrl,
                Entries = batch.Select((entry, index) => new DeleteMessageBatchRequestEntry(index.ToString(), entry.ReceiptHandle)).ToList()
            };
            var response = await _sqs.DeleteMessageBatchAsync(request).ConfigureAwait(false);
            foreach (var failure in response.Failed ?? [])
            {
                batch[int.Parse(failure.Id)].Completion.TrySetException(
                    new AmazonSQSException($"Deleting a consumed message failed ({failure.Code}): {failure.Message}"));
            }

            foreach (var (_, completion) in batch)
                completion.TrySetResult();
        }
        catch (Exception exception)
        {
            foreach (var (_, completion) in batch)
                completion.TrySetException(exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
