using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// A file's way through SagaFiles: Pending -> Downloading -> Checksumming -> Converting -> Uploading -> Completed,
/// or Failed. Each step is a command to a consumer queue; its completion moves the file on.
/// <list type="bullet">
/// <item>An archive's convert step expands it into child files, each with its own saga; the archive waits in
/// AwaitingChildren until every child has reached Completed or Failed, then completes with the counts.</item>
/// <item>An attempt that faults with a permanent error (invalid content) fails the file at once.</item>
/// <item>Any other fault, or no answer within the step timeout, counts as an attempt: the step is tried again after a
/// backoff (a fault) or at once (a timeout), up to <see cref="FileSagaOptions.MaxAttempts" />, then the file fails.</item>
/// <item>An answer for an older attempt, a repeated answer, or a stale timer changes nothing.</item>
/// <item>A Failed file resumes from the step that failed when a user asks for a retry.</item>
/// </list>
/// </summary>
public sealed class FileStateMachine : MassTransitStateMachine<FileState>
{
    public FileStateMachine(TimeProvider clock, IOptions<FileSagaOptions> options, ILogger<FileStateMachine> logger)
    {
        var settings = options.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Uploaded, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => Downloaded, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => ChecksumComputed, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => Converted, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => ResultUploaded, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => DownloadFaulted, x => x.CorrelateById(m => m.Message.Message.FileId));
        Event(() => ChecksumFaulted, x => x.CorrelateById(m => m.Message.Message.FileId));
        Event(() => ConvertFaulted, x => x.CorrelateById(m => m.Message.Message.FileId));
        Event(() => UploadFaulted, x => x.CorrelateById(m => m.Message.Message.FileId));
        Event(() => RetryRequested, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => ChildFinished, x => x.CorrelateById(m => m.Message.ParentFileId));
        Schedule(() => StepTimeout, x => x.StepTimeoutTokenId, s =>
        {
            s.Delay = settings.StepTimeout;
            s.Received = r => r.CorrelateById(m => m.Message.FileId);
        });
        Schedule(() => StepRetry, x => x.StepRetryTokenId, s =>
        {
            s.Delay = settings.FirstRetryDelay;
            s.Received = r => r.CorrelateById(m => m.Message.FileId);
        });

        // The API records an upload as Pending in the same transaction that publishes FileUploaded;
        // other ways in (S3 polling, a watched folder) publish FileUploaded alone.
        Initially(
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, clock.GetUtcNow()))
                .StartStep(this, FileSteps.Download, clock, settings)
                .TransitionTo(Downloading));

        During(Pending,
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, clock.GetUtcNow()))
                .StartStep(this, FileSteps.Download, clock, settings)
                .TransitionTo(Downloading));

        During(Downloading,
            When(Downloaded, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context =>
                {
                    context.Saga.StagingBucket = context.Message.StagingBucket;
                    context.Saga.StagingKey = context.Message.StagingKey;
                    context.Saga.DetectedType = context.Message.DetectedType;
                    context.Saga.MediaType = context.Message.MediaType;
                    context.Saga.Category = context.Message.Category;
                })
                .CompleteStep(this, clock)
                .StartStep(this, FileSteps.Checksum, clock, settings)
                .TransitionTo(Checksumming),
            When(DownloadFaulted).RetryOrFail(this, clock, settings, logger));

        During(Checksumming,
            When(ChecksumComputed, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context => context.Saga.Sha256 = context.Message.Sha256)
                .CompleteStep(this, clock)
                .StartStep(this, FileSteps.Convert, clock, settings)
                .TransitionTo(Converting),
            When(ChecksumFaulted).RetryOrFail(this, clock, settings, logger));

        During(Converting,
            When(Converted, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context => context.Saga.Converted(context.Message))
                .CompleteStep(this, clock)
                .IfElse(context => context.Message.ChildCount is null,
                    results => results
                        .StartStep(this, FileSteps.Upload, clock, settings)
                        .TransitionTo(Uploading),
                    archive => archive
                        .IfElse(context => context.Saga.AllChildrenFinished(),
                            done => done.CompleteFile(this, _ => [], clock),
                            wait => wait.TransitionTo(AwaitingChildren))),
            When(ConvertFaulted).RetryOrFail(this, clock, settings, logger));

        During(Uploading,
            When(ResultUploaded, context => context.Message.Attempt == context.Saga.Attempt)
                .CompleteStep(this, clock)
                .CompleteFile(this, context => context.Message.Outputs, clock),
            When(UploadFaulted).RetryOrFail(this, clock, settings, logger));

        // An attempt nobody answered in time counts as failed: the step is sent again at once, or the file fails.
        During(Downloading, Checksumming, Converting, Uploading,
            When(StepTimeout.Received, context => IsCurrent(context.Saga, context.Message.Step, context.Message.Attempt))
                .Then(context =>
                {
                    context.Saga.StepTimeoutAt = null;
                    logger.LogWarning("File {FileId}: {Step} attempt {Attempt} got no answer within {Timeout}", context.Saga.CorrelationId,
                        context.Saga.CurrentStep, context.Saga.Attempt, settings.StepTimeout);
                })
                .IfElse(context => context.Saga.CountedAttempts() < settings.MaxAttempts,
                    retry => retry
                        .Then(context => context.Saga.AttemptFailed($"No answer within {settings.StepTimeout}.", clock.GetUtcNow(), null))
                        .StartStep(this, context => context.Saga.CurrentStep!, clock, settings),
                    fail => fail
                        .FailFile(this, context => $"No answer within {settings.StepTimeout}, {context.Saga.CountedAttempts()} attempts.", clock)),
            When(StepRetry.Received, context => IsCurrent(context.Saga, context.Message.Step, context.Message.Attempt))
                .Then(context => context.Saga.StepRetryAt = null)
                .StartStep(this, context => context.Saga.CurrentStep!, clock, settings));

        // Children may finish before their archive has recorded how many there are (they start as soon as they are
        // published), and a retried child may report again after the archive completed: every report is counted.
        DuringAny(
            When(ChildFinished)
                .Then(context => context.Saga.ChildFinished(context.Message, clock.GetUtcNow()))
                .If(context => context.Saga.CurrentState == nameof(AwaitingChildren) && context.Saga.AllChildrenFinished(),
                    done => done.CompleteFile(this, _ => [], clock)));

        During(Failed,
            When(RetryRequested)
                .Then(context =>
                {
                    context.Saga.AttemptsBeforeManualRetry = context.Saga.Attempt;
                    context.Saga.ErrorMessage = null;
                })
                .StartStep(this, context => context.Saga.CurrentStep!, clock, settings)
                .ResumeInStepState(this));

        // Duplicates and late answers (a redelivered completion, a fault after a retry succeeded, a timer that fired
        // after its step moved on) change nothing.
        OnUnhandledEvent(context =>
        {
            logger.LogInformation("Ignored {Event} for file {FileId} in state {State}", context.Event.Name, context.Saga.CorrelationId,
                context.Saga.CurrentState);
            return Task.CompletedTask;
        });

        ConnectStateObserver(new HistoryObserver(clock));
    }

    public State Pending { get; } = null!;

    public State Downloading { get; } = null!;

    public State Checksumming { get; } = null!;

    public State Converting { get; } = null!;

    public State Uploading { get; } = null!;

    /// <summary>An archive whose entries are being processed as child files.</summary>
    public State AwaitingChildren { get; } = null!;

    public State Completed { get; } = null!;

    public State Failed { get; } = null!;

    public Event<FileUploaded> Uploaded { get; } = null!;

    public Event<FileDownloaded> Downloaded { get; } = null!;

    public Event<ChecksumComputed> ChecksumComputed { get; } = null!;

    public Event<FileConverted> Converted { get; } = null!;

    public Event<ResultUploaded> ResultUploaded { get; } = null!;

    public Event<Fault<DownloadFile>> DownloadFaulted { get; } = null!;

    public Event<Fault<ComputeChecksum>> ChecksumFaulted { get; } = null!;

    public Event<Fault<ConvertFile>> ConvertFaulted { get; } = null!;

    public Event<Fault<UploadFile>> UploadFaulted { get; } = null!;

    public Event<FileRetryRequested> RetryRequested { get; } = null!;

    public Event<ChildFileFinished> ChildFinished { get; } = null!;

    public Schedule<FileState, StepTimedOut> StepTimeout { get; } = null!;

    public Schedule<FileState, StepRetryDue> StepRetry { get; } = null!;

    /// <summary>The state a step runs in.</summary>
    public State StateOf(string step) => step switch
    {
        FileSteps.Download => Downloading,
        FileSteps.Checksum => Checksumming,
        FileSteps.Convert => Converting,
        _ => Uploading
    };

    static bool IsCurrent(FileState file, string step, int attempt) => file.CurrentStep == step && file.Attempt == attempt;

    /// <summary>Writes each transition into the file's history, with the worker and duration of the step that caused it.</summary>
    sealed class HistoryObserver(TimeProvider clock) : IStateObserver<FileState>
    {
        public Task StateChanged(BehaviorContext<FileState> context, State currentState, State previousState)
        {
            if (currentState.Name == "Initial")
                return Task.CompletedTask;

            // The context is the event's own (ConsumeContext<T> is covariant): a step completion shows as StepCompleted.
            var completed = (context as ConsumeContext<StepCompleted>)?.Message;
            var error = currentState.Name == nameof(Failed) ? context.Saga.ErrorMessage : null;
            context.Saga.Transitioned(previousState?.Name ?? "Initial", currentState.Name, clock.GetUtcNow(), completed, error);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The recurring parts of the machine, named so the machine reads like the spec.</summary>
static class FileStateMachineActivities
{
    public static EventActivityBinder<FileState, TEvent> StartStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine, string step, TimeProvider clock, FileSagaOptions settings)
        where TEvent : class =>
        binder.StartStep(machine, _ => step, clock, settings);

    /// <summary>Starts the step's next attempt: its timeout is scheduled and its command sent to the step's queue.</summary>
    public static EventActivityBinder<FileState, TEvent> StartStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine, Func<BehaviorContext<FileState, TEvent>, string> step, TimeProvider clock, FileSagaOptions settings)
        where TEvent : class =>
        binder
            .Then(context =>
            {
                var now = clock.GetUtcNow();
                context.Saga.StartStep(step(context), now);
                context.Saga.StepTimeoutAt = now + settings.StepTimeout;
            })
            .Schedule(machine.StepTimeout, context => new StepTimedOut
            {
                FileId = context.Saga.CorrelationId,
                Step = context.Saga.CurrentStep!,
                Attempt = context.Saga.Attempt
            })
            .ThenAsync(async context =>
            {
                var command = FileSteps.Command(context.Saga, context.Saga.CurrentStep!, context.Saga.Attempt);
                var endpoint = await context.GetSendEndpoint(FileSteps.Address(context.Saga.CurrentStep!));
                await endpoint.Send(command, command.GetType(), context.CancellationToken);
            });

    /// <summary>Records the finished step (duration, worker) and stops its timeout.</summary>
    public static EventActivityBinder<FileState, TEvent> CompleteStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine, TimeProvider clock)
        where TEvent : StepCompleted =>
        binder
            .Then(context =>
            {
                context.Saga.CompleteStep(context.Message, clock.GetUtcNow());
                context.Saga.StepTimeoutAt = null;
            })
            .Unschedule(machine.StepTimeout);

    /// <summary>
    /// A step's attempt faulted: a permanent error, or the last allowed attempt, fails the file; otherwise the next attempt
    /// is scheduled after a backoff. A fault for another attempt than the current one changes nothing.
    /// </summary>
    public static EventActivityBinder<FileState, Fault<TCommand>> RetryOrFail<TCommand>(this EventActivityBinder<FileState, Fault<TCommand>> binder,
        FileStateMachine machine, TimeProvider clock, FileSagaOptions settings, ILogger logger)
        where TCommand : StepCommand =>
        binder.If(context => context.Message.Message.Attempt == context.Saga.Attempt, current => current
            .Unschedule(machine.StepTimeout)
            .Then(context =>
            {
                context.Saga.StepTimeoutAt = null;
                logger.LogWarning("File {FileId}: {Step} attempt {Attempt} faulted ({ExceptionType}): {Reason}", context.Saga.CorrelationId,
                    context.Saga.CurrentStep, context.Saga.Attempt, context.Message.Exceptions.FirstOrDefault()?.ExceptionType, Reason(context.Message));
            })
            .IfElse(context => !PermanentFailures.IsPermanent(context.Message.Exceptions.FirstOrDefault()?.ExceptionType)
                    && context.Saga.CountedAttempts() < settings.MaxAttempts,
                retry => retry
                    .Then(context =>
                    {
                        var now = clock.GetUtcNow();
                        context.Saga.StepRetryAt = now + settings.RetryDelay(context.Saga.CountedAttempts());
                        context.Saga.AttemptFailed(Reason(context.Message), now, context.Saga.StepRetryAt);
                        logger.LogInformation("File {FileId}: {Step} attempt {NextAttempt} scheduled at {RetryAt}", context.Saga.CorrelationId,
                            context.Saga.CurrentStep, context.Saga.Attempt + 1, context.Saga.StepRetryAt);
                    })
                    .Schedule(machine.StepRetry,
                        context => new StepRetryDue { FileId = context.Saga.CorrelationId, Step = context.Saga.CurrentStep!, Attempt = context.Saga.Attempt },
                        context => settings.RetryDelay(context.Saga.CountedAttempts())),
                fail => fail.FailFile(machine, context => Reason(context.Message), clock)));

    /// <summary>Completes the file with its published results (none for an archive), and tells whoever listens.</summary>
    public static EventActivityBinder<FileState, TEvent> CompleteFile<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine, Func<BehaviorContext<FileState, TEvent>, IReadOnlyList<FileOutput>> published, TimeProvider clock)
        where TEvent : class =>
        binder
            .Then(context => context.Saga.Finish(published(context), clock.GetUtcNow()))
            .Publish(context => new FileProcessingCompleted
            {
                FileId = context.Saga.CorrelationId,
                Outputs = context.Saga.Outputs,
                CompletedAt = context.Saga.ProcessedAt!.Value
            })
            .ReportToParent(succeeded: true)
            .TransitionTo(machine.Completed);

    /// <summary>A file from an archive tells its parent how it ended (and how it ended before, if it was retried).</summary>
    static EventActivityBinder<FileState, TEvent> ReportToParent<TEvent>(this EventActivityBinder<FileState, TEvent> binder, bool succeeded)
        where TEvent : class =>
        binder.If(context => context.Saga.ParentFileId != null, child => child
            .Publish(context => new ChildFileFinished
            {
                ParentFileId = context.Saga.ParentFileId!.Value,
                FileId = context.Saga.CorrelationId,
                Succeeded = succeeded,
                PreviouslySucceeded = context.Saga.ReportedSuccess
            })
            .Then(context => context.Saga.ReportedSuccess = succeeded));

    /// <summary>Fails the file with a reason a user can act on, and tells whoever listens.</summary>
    public static EventActivityBinder<FileState, TEvent> FailFile<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine, Func<BehaviorContext<FileState, TEvent>, string> reason, TimeProvider clock)
        where TEvent : class =>
        binder
            .Then(context => context.Saga.Fail(reason(context), clock.GetUtcNow()))
            .Unschedule(machine.StepTimeout)
            .Unschedule(machine.StepRetry)
            .Then(context => (context.Saga.StepTimeoutAt, context.Saga.StepRetryAt) = (null, null))
            .Publish(context => new FileProcessingFailed
            {
                FileId = context.Saga.CorrelationId,
                Step = context.Saga.CurrentStep ?? "",
                Attempt = context.Saga.Attempt,
                Reason = context.Saga.ErrorMessage!,
                FailedAt = context.Saga.UpdatedAt
            })
            .Send(StepEndpoints.Address(StepEndpoints.PreserveFailed), context => new PreserveFailedFile
            {
                FileId = context.Saga.CorrelationId,
                SourceBucket = context.Saga.SourceBucket,
                SourceKey = context.Saga.SourceKey,
                OriginalName = context.Saga.OriginalName,
                FailedAt = context.Saga.UpdatedAt
            })
            .ReportToParent(succeeded: false)
            .TransitionTo(machine.Failed);

    /// <summary>Moves a resumed file into the state of the step it resumes.</summary>
    public static EventActivityBinder<FileState, TEvent> ResumeInStepState<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        FileStateMachine machine)
        where TEvent : class =>
        new[] { FileSteps.Download, FileSteps.Checksum, FileSteps.Convert, FileSteps.Upload }.Aggregate(binder, (current, step) =>
            current.If(context => context.Saga.CurrentStep == step, resume => resume.TransitionTo(machine.StateOf(step))));

    static string Reason<TCommand>(Fault<TCommand> fault) =>
        fault.Exceptions.FirstOrDefault()?.Message ?? "The step faulted.";
}
