using System.Diagnostics;
using MassTransit;
using SagaFiles.Transport.AmazonSqs.Tests.Support;

namespace SagaFiles.Transport.AmazonSqs.Tests;

public sealed record Consumed(string Consumer, Guid Id, int Number, int RedeliveryCount, int RetryAttempt, string? TraceId, DateTimeOffset At);

public sealed class BillingConsumer(ConsumedLog<Consumed> log) : IConsumer<OrderSubmitted>
{
    public Task Consume(ConsumeContext<OrderSubmitted> context)
    {
        log.Add(new Consumed(nameof(BillingConsumer), context.Message.OrderId, context.Message.Number, 0, 0, Activity.Current?.TraceId.ToString(),
            DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public sealed class ShippingConsumer(ConsumedLog<Consumed> log) : IConsumer<OrderSubmitted>
{
    public Task Consume(ConsumeContext<OrderSubmitted> context)
    {
        log.Add(new Consumed(nameof(ShippingConsumer), context.Message.OrderId, context.Message.Number, 0, 0, null, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

public sealed class ProcessOrderConsumer(ConsumedLog<Consumed> log) : IConsumer<ProcessOrder>
{
    public Task Consume(ConsumeContext<ProcessOrder> context)
    {
        log.Add(new Consumed(nameof(ProcessOrderConsumer), context.Message.OrderId, context.Message.Number, 0, 0, null, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

/// <summary>Works for as long as the message says, tracking how many run at once.</summary>
public sealed class SlowWorkConsumer(ConsumedLog<Consumed> log, Concurrency concurrency) : IConsumer<SlowWork>
{
    public async Task Consume(ConsumeContext<SlowWork> context)
    {
        using (concurrency.Enter())
            await Task.Delay(context.Message.Milliseconds);
        log.Add(new Consumed(nameof(SlowWorkConsumer), context.Message.Id, 0, context.GetRedeliveryCount(), context.GetRetryAttempt(), null,
            DateTimeOffset.UtcNow));
    }
}

public sealed class FailingWorkConsumer(ConsumedLog<Consumed> log) : IConsumer<FailingWork>
{
    public Task Consume(ConsumeContext<FailingWork> context)
    {
        log.Add(new Consumed(nameof(FailingWorkConsumer), context.Message.Id, 0, context.GetRedeliveryCount(), context.GetRetryAttempt(), null,
            DateTimeOffset.UtcNow));
        throw new InvalidOperationException($"Work {context.Message.Id} cannot be done");
    }
}

/// <summary>Fails the first deliveries of a message, then succeeds; every attempt is logged.</summary>
public sealed class FlakyWorkConsumer(ConsumedLog<Consumed> log) : IConsumer<FlakyWork>
{
    public Task Consume(ConsumeContext<FlakyWork> context)
    {
        var attempt = log.Entries.Count(e => e.Id == context.Message.Id);
        log.Add(new Consumed(nameof(FlakyWorkConsumer), context.Message.Id, attempt, context.GetRedeliveryCount(), context.GetRetryAttempt(), null,
            DateTimeOffset.UtcNow));
        if (attempt < context.Message.FailuresBeforeSuccess)
            throw new TimeoutException($"Attempt {attempt} of {context.Message.Id} timed out");
        return Task.CompletedTask;
    }
}

public sealed class DelayedPingConsumer(ConsumedLog<Consumed> log) : IConsumer<DelayedPing>
{
    public Task Consume(ConsumeContext<DelayedPing> context)
    {
        log.Add(new Consumed(nameof(DelayedPingConsumer), context.Message.Id, 0, 0, 0, null, DateTimeOffset.UtcNow));
        return Task.CompletedTask;
    }
}

/// <summary>Counts consumers running at the same time.</summary>
public sealed class Concurrency
{
    int _current;
    int _max;

    public int Max => Volatile.Read(ref _max);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }

        return new Exit(this);
    }

    sealed class Exit(Concurrency owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._current);
    }
}
