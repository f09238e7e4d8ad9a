using System.Globalization;
using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;
using SagaFiles.Transport.AmazonSqs.Sns;

namespace SagaFiles.Transport.AmazonSqs.Transport;

/// <summary>Receives from one SQS queue: long polling, prefetch and concurrency limits, error and skipped queues.</summary>
public sealed class SqsReceiveTransport(SqsReceiveEndpointContext context) : IReceiveTransport
{
    public ReceiveTransportHandle Start()
    {
        var settings = context.Settings;
        context.AddOrUpdatePayload<IErrorTransport>(() => new SqsErrorTransport(context.Client, AmazonSqsEntityNames.Error(settings.EntityName)),
            existing => existing);
        context.AddOrUpdatePayload<IDeadLetterTransport>(
            () => new SqsDeadLetterTransport(context.Client, AmazonSqsEntityNames.Skipped(settings.EntityName)), existing => existing);
        return new SqsReceiveAgent(context);
    }

    public void Probe(ProbeContext probe)
    {
        var scope = probe.CreateScope("receiveTransport");
        scope.Add("type", "AmazonSQS");
        scope.Set(new { context.InputAddress, context.PrefetchCount, context.ConcurrentMessageLimit, Queue = context.Settings.EntityName });
    }

    public ConnectHandle ConnectReceiveObserver(IReceiveObserver observer) => context.ConnectReceiveObserver(observer);

    public ConnectHandle ConnectReceiveTransportObserver(IReceiveTransportObserver observer) => context.ConnectReceiveTransportObserver(observer);

    public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => context.ConnectPublishObserver(observer);

    public ConnectHandle ConnectSendObserver(ISendObserver observer) => context.ConnectSendObserver(observer);

    /// <summary>
    /// The polling loop. At most <c>PrefetchCount</c> messages are held at once (received and not yet deleted or released),
    /// at most <c>ConcurrentMessageLimit</c> of them are being consumed; each poller asks SQS for up to ten at a time.
    /// </summary>
    sealed class SqsReceiveAgent : ConsumerAgent<string>, ReceiveTransportHandle
    {
        const int MaxMessagesPerReceive = 10;
        static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
        static readonly TimeSpan CancelledPollMargin = TimeSpan.FromSeconds(2);

        /// <summary>Failed attempts in a row (receives, or declaring the queue and its subscriptions) before the endpoint reports itself unhealthy.</summary>
        const int FailuresBeforeUnhealthy = 3;

        readonly SqsReceiveEndpointContext _context;
        readonly SemaphoreSlim _held;
        readonly SemaphoreSlim _consuming;
        readonly int _pollers;
        readonly bool[] _polling;
        DateTimeOffset _stopRequested;
        int _unhealthy;
        SqsQueue? _queue;

        public SqsReceiveAgent(SqsReceiveEndpointContext context)
            : base(context, StringComparer.Ordinal)
        {
            _context = context;
            var prefetch = Math.Max(context.PrefetchCount, context.ConcurrentMessageLimit ?? 0);
            if (prefetch <= 0)
                prefetch = MaxMessagesPerReceive;
            _held = new SemaphoreSlim(prefetch);
            _consuming = new SemaphoreSlim(Math.Min(context.ConcurrentMessageLimit ?? prefetch, prefetch));
            _pollers = (prefetch + MaxMessagesPerReceive - 1) / MaxMessagesPerReceive;
            _polling = new bool[_pollers];
            Stopping.Register(() => _stopRequested = context.TimeProvider.GetUtcNow());
            TrySetConsumeTask(Task.Run(RunAsync));
        }

        Task ReceiveTransportHandle.Stop(CancellationToken cancellationToken) => this.Stop("Stop Receive Transport", cancellationToken);

        async Task RunAsync()
        {
            try
            {
                await _context.DependenciesReady.WaitAsync(Stopping).ConfigureAwait(false);
                _queue = await WithBackoff(() => _context.ConfigureTopology(Stopping), "configure the queue and its subscriptions")
                    .ConfigureAwait(false);
                Interlocked.Exchange(ref _unhealthy, 0);
                await _context.TransportObservers.NotifyReady(_context.InputAddress).ConfigureAwait(false);
                SetReady();

                await Task.WhenAll(Enumerable.Range(0, _pollers).Select(poller => PollAsync(poller, _queue))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (IsStopping)
            {
            }
            catch (Exception exception)
            {
                SetNotReady(exception);
                throw;
            }
        }

        async Task PollAsync(int poller, SqsQueue queue)
        {
            var failures = 0;
            while (!IsStopping)
            {
                var reserved = 0;
                try
                {
                    await _held.WaitAsync(Stopping).ConfigureAwait(false);
                    reserved = 1;
                    while (reserved < MaxMessagesPerReceive && _held.Wait(0))
                        reserved++;

                    // A stop cancels the long poll rather than waiting out its 20 s. SQS keeps a dropped poll open until its
                    // wait ends and may hand it messages nobody reads: they reappear after their visibility timeout (delayed,
                    // never lost; docs/adr/0001). A poll cancelled by the stop stays marked, so that messages handed back at
                    // the stop stay hidden until it has ended rather than feed it.
                    using var receive = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
                    receive.CancelAfter(TimeSpan.FromSeconds(_context.Settings.WaitTimeSeconds + 30));
                    _polling[poller] = true;
                    var messages = await _context.Client.Receive(queue, reserved, _context.Settings.WaitTimeSeconds, receive.Token)
                        .ConfigureAwait(false);
                    _polling[poller] = false;
                    failures = 0;
                    await ReportHealthy().ConfigureAwait(false);
                    if (IsStopping)
                    {
                        await Task.WhenAll(messages.Select(message => HandBackAsync(queue, message))).ConfigureAwait(false);
                        Release(ref reserved);
                        return;
                    }

                    // Each received message keeps its slot until it is deleted or released; the rest go back now.
                    reserved -= messages.Count;
                    Release(ref reserved);
                    foreach (var message in messages)
                        _ = Task.Run(() => HandleAsync(queue, message));
                }
                catch (OperationCanceledException) when (IsStopping)
                {
                    Release(ref reserved);
                    return;
                }
                catch (QueueDoesNotExistException exception)
                {
                    Release(ref reserved);
                    LogContext.Warning?.Log(exception, "Queue {Queue} no longer exists; creating it again", queue.Name);
                    _context.Client.Evict(queue.Name);
                    queue = await WithBackoff(() => _context.ConfigureTopology(Stopping), "create the queue again").ConfigureAwait(false);
                    _queue = queue;
                }
                catch (Exception exception)
                {
                    _polling[poller] = false;
                    Release(ref reserved);
                    failures++;
                    var delay = Backoff(failures);
                    LogContext.Warning?.Log(exception, "Receiving from {Queue} failed ({Failures} in a row); retrying in {Delay}", queue.Name, failures,
                        delay);
                    // Denied access does not cure itself: say so at once rather than after a few more denials.
                    if (failures >= FailuresBeforeUnhealthy || IsAccessDenied(exception))
                        await ReportUnhealthy(new AmazonSqsTransportException($"Receiving from {queue.Name} failed: {exception.Message}", exception))
                            .ConfigureAwait(false);
                    await Task.Delay(delay, _context.TimeProvider, Stopping).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }
            }
        }

        async Task HandBackAsync(SqsQueue queue, Message message)
        {
            await using var lockContext = new SqsReceiveLockContext(_context.Client, queue, message, _context.InputAddress, _context.TimeProvider);
            await lockContext.ReleaseAsync(UntilCancelledPollsEnd()).ConfigureAwait(false);
        }

        /// <summary>
        /// How long a message handed back at a stop stays hidden: until every poll the stop cancelled has ended on SQS's
        /// side, so that none of them takes it into a closed connection and hides it for the whole visibility timeout. SQS
        /// received such a poll before the stop at the latest, so it ends within the wait time (and a margin for latency)
        /// of the stop. Zero when no poll was in flight.
        /// </summary>
        TimeSpan UntilCancelledPollsEnd()
        {
            if (!_polling.Any(polling => polling))
                return TimeSpan.Zero;
            var now = _context.TimeProvider.GetUtcNow();
            // The stop's own callback may not have run yet when another of its callbacks gets here.
            var stopped = _stopRequested == default ? now : _stopRequested;
            var remaining = stopped + TimeSpan.FromSeconds(_context.Settings.WaitTimeSeconds) + CancelledPollMargin - now;
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }

        void Release(ref int reserved)
        {
            if (reserved > 0)
                _held.Release(reserved);
            reserved = 0;
        }

        async Task HandleAsync(SqsQueue queue, Message message)
        {
            var lockContext = new SqsReceiveLockContext(_context.Client, queue, message, _context.InputAddress, _context.TimeProvider);
            var consuming = false;
            try
            {
                var headers = SqsTransportHeaders.FromAttributes(
                    (message.MessageAttributes ?? []).Where(a => a.Value.StringValue != null).ToDictionary(a => a.Key, a => a.Value.StringValue));

                if (await DelayAgainIfEarly(queue, message, headers, lockContext).ConfigureAwait(false))
                    return;

                try
                {
                    await _consuming.WaitAsync(Stopping).ConfigureAwait(false);
                    consuming = true;
                }
                catch (OperationCanceledException)
                {
                    // Stopping before this message started: hand it back now rather than after the visibility timeout.
                    await lockContext.ReleaseAsync(UntilCancelledPollsEnd()).ConfigureAwait(false);
                    return;
                }

                var redelivered = message.Attributes != null
                    && message.Attributes.TryGetValue(MessageSystemAttributeName.ApproximateReceiveCount, out var count)
                    && int.TryParse(count, CultureInfo.InvariantCulture, out var receives) && receives > 1;
                var receiveContext = new SqsReceiveContext(message, headers, redelivered, _context, _context.Client);
                try
                {
                    await Dispatch(message.MessageId, receiveContext, lockContext).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    receiveContext.LogTransportFaulted(exception);
                }
                finally
                {
                    receiveContext.Dispose();
                }
            }
            catch (Exception exception)
            {
                LogContext.Error?.Log(exception, "Handling message {MessageId} from {Queue} failed", message.MessageId, queue.Name);
            }
            finally
            {
                await lockContext.DisposeAsync().ConfigureAwait(false);
                if (consuming)
                    _consuming.Release();
                _held.Release();
            }
        }

        /// <summary>Sends a message that arrived before its deliver-at time back with the remaining delay (SQS delays at most 15 minutes).</summary>
        async Task<bool> DelayAgainIfEarly(SqsQueue queue, Message message, Dictionary<string, string> headers, SqsReceiveLockContext lockContext)
        {
            if (!headers.TryGetValue(SqsTransportHeaders.DeliverAt, out var deliverAtText)
                || !DateTimeOffset.TryParse(deliverAtText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var deliverAt))
                return false;

            var remaining = deliverAt - _context.TimeProvider.GetUtcNow();
            if (remaining <= TimeSpan.FromSeconds(1))
                return false;

            var attributes = (message.MessageAttributes ?? []).Where(a => a.Value.StringValue != null)
                .ToDictionary(a => a.Key, a => a.Value.StringValue);
            var delaySeconds = (int)Math.Ceiling(Math.Min(remaining.TotalSeconds, SqsSendTransportContext.MaxDelaySeconds));
            await _context.Client.Send(queue, message.Body, attributes, delaySeconds, Stopping).ConfigureAwait(false);
            await lockContext.Complete().ConfigureAwait(false);
            return true;
        }

        async Task<T> WithBackoff<T>(Func<Task<T>> action, string what)
        {
            for (var attempt = 1;; attempt++)
            {
                try
                {
                    return await action().ConfigureAwait(false);
                }
                catch (Exception exception) when (!IsStopping)
                {
                    var delay = Backoff(attempt);
                    LogContext.Warning?.Log(exception, "Could not {What} for {InputAddress} (attempt {Attempt}); retrying in {Delay}", what,
                        _context.InputAddress, attempt, delay);
                    // Unhealthy with the reason after a few attempts; the retries go on (every 30 s at most), so fixing the
                    // cause (a permission, a subscription's attributes) heals the endpoint without a restart.
                    if (attempt >= FailuresBeforeUnhealthy || IsAccessDenied(exception))
                        await ReportUnhealthy(new AmazonSqsTransportException($"Could not {what}: {exception.Message}", exception)).ConfigureAwait(false);
                    await Task.Delay(delay, _context.TimeProvider, Stopping).ConfigureAwait(false);
                }
            }
        }

        /// <summary>The endpoint's health (MassTransit's bus health check reads it) turns Unhealthy with the reason.</summary>
        async Task ReportUnhealthy(Exception reason)
        {
            Interlocked.Exchange(ref _unhealthy, 1);
            await _context.TransportObservers.NotifyFaulted(_context.InputAddress, reason).ConfigureAwait(false);
        }

        async Task ReportHealthy()
        {
            if (Interlocked.CompareExchange(ref _unhealthy, 0, 1) == 1)
                await _context.TransportObservers.NotifyReady(_context.InputAddress).ConfigureAwait(false);
        }

        static bool IsAccessDenied(Exception exception) =>
            exception switch
            {
                AmazonSQSException sqs => sqs.StatusCode == HttpStatusCode.Forbidden
                    || sqs.ErrorCode?.Contains("AccessDenied", StringComparison.OrdinalIgnoreCase) == true,
                AmazonSnsException sns => sns.StatusCode == HttpStatusCode.Forbidden || sns.Code is "AuthorizationError" or "AccessDenied",
                _ => exception.InnerException != null && IsAccessDenied(exception.InnerException)
            };

        static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempt, 6)) / 2));

        /// <summary>
        /// Best effort: a host stopping while SQS cannot be reached (the network down, the emulator stopped first, no
        /// sqs:DeleteQueue permission) must still stop cleanly; the queue left behind only holds replies nobody awaits.
        /// </summary>
        async Task DeleteTemporaryQueue(SqsQueue queue, CancellationToken cancellationToken)
        {
            try
            {
                await _context.Client.DeleteQueue(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                LogContext.Warning?.Log(exception, "Could not delete the temporary queue {Queue} while stopping; it is left behind", queue.Name);
            }
        }

        protected override async Task ActiveAndActualAgentsCompleted(StopContext context)
        {
            await base.ActiveAndActualAgentsCompleted(context).ConfigureAwait(false);
            foreach (var agent in _context.Agents)
                await agent.Stop(context).ConfigureAwait(false);
            if (_queue != null && _context.Settings.IsTemporary)
                await DeleteTemporaryQueue(_queue, context.CancellationToken).ConfigureAwait(false);
            await _context.TransportObservers.NotifyCompleted(_context.InputAddress, this).ConfigureAwait(false);
            _context.LogConsumerCompleted(DeliveryCount, ConcurrentDeliveryCount);
        }
    }
}
