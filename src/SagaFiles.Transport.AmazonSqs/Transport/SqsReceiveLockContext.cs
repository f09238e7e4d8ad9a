using Amazon.SQS;
using Amazon.SQS.Model;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>
/// Holds a received message: keeps it invisible while it is consumed (including in-process retries) by extending its
/// visibility timeout, deletes it when consumed, makes it visible again when the receive faults. Renewal ends on every
/// path, including a duplicate that is never dispatched (<see cref="DisposeAsync" />): a renewal left running would hide
/// the message for up to SQS's 12 hours.
/// </summary>
public sealed class SqsReceiveLockContext : ReceiveLockContext, IAsyncDisposable
{
    /// <summary>SQS's limit on how long a message can be kept invisible in total.</summary>
    static readonly TimeSpan MaxVisibility = TimeSpan.FromHours(12) - TimeSpan.FromMinutes(1);

    readonly AmazonSqsClientContext _client;
    readonly SqsQueue _queue;
    readonly Message _message;
    readonly Uri _inputAddress;
    readonly TimeProvider _timeProvider;
    readonly CancellationTokenSource _renewal = new();
    readonly Task _renewalTask;
    bool _lockLost;

    public SqsReceiveLockContext(AmazonSqsClientContext client, SqsQueue queue, Message message, Uri inputAddress, TimeProvider timeProvider)
    {
        _client = client;
        _queue = queue;
        _message = message;
        _inputAddress = inputAddress;
        _timeProvider = timeProvider;
        _renewalTask = Task.Run(RenewVisibilityAsync);
    }

    public async Task Complete()
    {
        await StopRenewalAsync().ConfigureAwait(false);
        await _client.Delete(_queue, _message.ReceiptHandle).ConfigureAwait(false);
    }

    public Task Faulted(Exception exception) => ReleaseAsync(TimeSpan.Zero);

    public Task ValidateLockStatus() =>
        _lockLost
            ? throw new TransportException(_inputAddress, $"The message's visibility lock was lost: {_message.MessageId}")
            : Task.CompletedTask;

    /// <summary>Makes the message visible again after <paramref name="after" /> (zero: at once) for another receive (stop, fault).</summary>
    public async Task ReleaseAsync(TimeSpan after)
    {
        await StopRenewalAsync().ConfigureAwait(false);
        try
        {
            var seconds = (int)Math.Ceiling(after.TotalSeconds);
            await _client.ChangeVisibility(_queue, _message.ReceiptHandle, seconds, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ReceiptHandleIsInvalidException or MessageNotInflightException)
        {
            // Already visible again or deleted: nothing to release.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewalAsync().ConfigureAwait(false);
        _renewal.Dispose();
    }

    async Task StopRenewalAsync()
    {
        if (!_renewal.IsCancellationRequested)
            await _renewal.CancelAsync().ConfigureAwait(false);
        await _renewalTask.ConfigureAwait(false);
    }

    async Task RenewVisibilityAsync()
    {
        var started = _timeProvider.GetUtcNow();
        var timeout = Math.Max(_queue.VisibilityTimeout, 2);
        // Renew at half the timeout so a slow ChangeMessageVisibility call still lands before the message reappears.
        var interval = TimeSpan.FromSeconds(timeout / 2.0);
        while (!_renewal.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _timeProvider, _renewal.Token).ConfigureAwait(false);
                if (_timeProvider.GetUtcNow() - started + TimeSpan.FromSeconds(timeout) >= MaxVisibility)
                {
                    LogContext.Warning?.Log("Message {MessageId} on {Queue} held for {Elapsed}: SQS's 12-hour visibility limit reached",
                        _message.MessageId, _queue.Name, _timeProvider.GetUtcNow() - started);
                    return;
                }

                await _client.ChangeVisibility(_queue, _message.ReceiptHandle, timeout, _renewal.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_renewal.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is ReceiptHandleIsInvalidException or MessageNotInflightException)
            {
                LogContext.Warning?.Log(exception, "Message {MessageId} on {Queue} is no longer held", _message.MessageId, _queue.Name);
                _lockLost = true;
                return;
            }
            catch (Exception exception)
            {
                // A transient failure: try again sooner rather than letting the message reappear.
                LogContext.Warning?.Log(exception, "Extending visibility of {MessageId} on {Queue} failed", _message.MessageId, _queue.Name);
                interval = TimeSpan.FromSeconds(1);
                continue;
            }

            interval = TimeSpan.FromSeconds(timeout / 2.0);
        }
    }
}
