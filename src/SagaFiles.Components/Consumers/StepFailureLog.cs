using System.Text.Json;
using Microsoft.Extensions.Logging;
using SagaFiles.Components.Metrics;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Logs every retry, redelivery and dead letter of a step command with its file id, step and attempt: MassTransit's own
/// messages name only the message id, and the consumer's log scope has ended by then.
/// </summary>
sealed class StepFailureLog(ILogger logger, string step) : IFilter<ConsumeContext>
{
    public const string Retry = "retry";
    public const string Redelivery = "redelivery";

    /// <summary>Observes the in-process retries (<see cref="Retry" />) or the redeliveries (<see cref="Redelivery" />).</summary>
    public IRetryObserver Retries(string kind) => new RetryLog(this, kind);

    // As a filter on the endpoint it sees every attempt's exception; a permanent one is not retried, so it goes
    // straight to <queue>_error. Transient ones get there when the redeliveries run out (RetryLog.RetryFault).
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception e) when (PermanentFailures.IsPermanent(e.GetType().FullName))
        {
            LogDeadLetter(context, e, "a permanent error");
            throw;
        }
    }

    void LogDeadLetter(ConsumeContext context, Exception exception, string why)
    {
        if (CommandOf(context) is not var (fileId, attempt))
            return;
        logger.LogError(exception, "File {FileId}: {Step} attempt {Attempt} moved to the error queue of {Queue} ({Why}): {Reason}",
            fileId, step, attempt, context.ReceiveContext.InputAddress, why, exception.Message);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("stepFailureLog");

    void LogRetry<T>(RetryContext<T> context, string kind)
        where T : class, PipeContext
    {
        if (context.Context is not ConsumeContext consume || CommandOf(consume) is not var (fileId, attempt))
            return;
        FileMetrics.RunRetried(step, kind, FailureClasses.Of(context.Exception));
        logger.LogWarning("File {FileId}: {Step} attempt {Attempt} failed ({ExceptionType}: {Reason}); {RetryKind} {RetryNumber} in {Delay}",
            fileId, step, attempt, context.Exception.GetType().Name, context.Exception.Message, kind, context.RetryAttempt + 1, context.Delay);
    }

    /// <summary>
    /// The file and attempt of the step command being consumed. Filters in front of the message type see the envelope
    /// only (StepCommand is abstract, so it cannot be deserialized as such): then they come from its JSON body.
    /// </summary>
    static (Guid FileId, int Attempt)? CommandOf(ConsumeContext context)
    {
        if (context is ConsumeContext<StepCommand> typed)
            return (typed.Message.FileId, typed.Message.Attempt);
        try
        {
            using var envelope = JsonDocument.Parse(context.ReceiveContext.Body.GetBytes());
            return envelope.RootElement.TryGetProperty("message", out var message) &&
                   message.TryGetProperty("fileId", out var fileId) && fileId.TryGetGuid(out var id) &&
                   message.TryGetProperty("attempt", out var attempt) && attempt.TryGetInt32(out var number)
                ? (id, number)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // In-process retries announce each retry (PreRetry); redeliveries only report the fault that schedules the next one
    // (PostFault), as the retry itself happens on a later receive.
    sealed class RetryLog(StepFailureLog log, string kind) : IRetryObserver
    {
        bool IsRedelivery => kind == Redelivery;

        public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;

        public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext
        {
            if (IsRedelivery)
                log.LogRetry(context, kind);
            return Task.CompletedTask;
        }

        public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext
        {
            if (!IsRedelivery)
                log.LogRetry(context, kind);
            return Task.CompletedTask;
        }

        public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext
        {
            if (IsRedelivery && context.Context is ConsumeContext consume)
                log.LogDeadLetter(consume, context.Exception, $"{context.RetryCount} redeliveries ran out");
            return Task.CompletedTask;
        }

        public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
    }
}
