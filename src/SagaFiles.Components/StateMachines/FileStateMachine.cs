using SagaFiles.Components.Consumers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SagaFiles.Components.Metrics;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// A file's way through SagaFiles: Pending -> Downloading -> Checksumming -> Converting -> Uploading -> Completed,
/// or Failed. Each step is a command to a consumer queue; its completion moves the file on.
/// <list type="bullet">
/// <item>A file no longer than the download's first read (64 KiB) was read whole by it: its SHA-256 comes with
/// <see cref="FileDownloaded" /> and the file goes from Downloading straight to Converting, its checksum step recorded as
/// done by the download (two messages, a saga transition and a read of the file fewer). Unless it is an archive, the
/// download has also converted it and published its results (<see cref="FileDownloaded.Converted" />): the file goes from
/// Downloading to Completed, its convert and upload steps recorded as done by the download too.</item>
/// <item>An archive's convert step expands it into child files, each with its own saga; the archive waits in
/// AwaitingChildren until every child has reached Completed or Failed, then completes with the counts. The children are
/// counted apart from the archive's row (<see cref="Consumers.ArchiveChildrenConsumer" />), which tells it once.</item>
/// <item>An attempt that faults with a permanent error (invalid content) fails the file at once.</item>
/// <item>Any other fault, or no answer within the step timeout, counts as an attempt: the step is tried again after a
/// backoff (a fault) or at once (a timeout), up to <see cref="FileSagaOptions.MaxAttempts" />, then the file fails.</item>
/// <item>No timer per file or attempt: the running attempt's deadline is a column (<see cref="FileState.StepTimeoutAt" />),
/// and the workers' <see cref="StepTimeoutSweeper" /> reports the attempts past theirs (<see cref="StepTimedOut" />). A file
/// whose steps finish in time costs no message for its timeout, then or later.</item>
/// <item>The step's first answer moves the file on, even from an attempt the saga has already sent again: every attempt
/// does the same work on the same input, and behind a queue longer than the step timeout only an earlier attempt may
/// ever answer in time. A fault or timeout of an older attempt, a repeated answer, or a timeout reported again or after the
/// deadline moved on changes nothing.</item>
/// <item>A Failed file resumes from the step that failed when a user asks for a retry.</item>
/// </list>
/// </summary>
public sealed class FileStateMachine : MassTransitStateMachine<FileState>
{
    public FileStateMachine(TimeProvider clock, IOptions<FileSagaOptions> options, ILogger<FileStateMachine> logger)
    {
        (Clock, Settings, Logger) = (clock, options.Value, logger);
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
        Event(() => ChildrenFinished, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => Progressed, x => x.CorrelateById(m => m.Message.FileId));
        Event(() => StepTimedOut, x =>
        {
            x.CorrelateById(m => m.Message.FileId);
            // No such file (the database was reset while a report was on its way): nothing to time out.
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => StepRetry, x => x.StepRetryTokenId, s =>
        {
            s.Delay = Settings.FirstRetryDelay;
            s.Received = r => r.CorrelateById(m => m.Message.FileId);
        });

        // Every door of the intake records a file already at its download (FileSagaStart, the first transition below taken
        // in the intake's transaction); FileUploaded alone announces an archive's children, and files an API of an earlier
        // version recorded as Pending.
        Initially(
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, Now))
                .StartStep(FileSteps.Download)
                .TransitionTo(Downloading));

        During(Pending,
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, Now))
                .StartStep(FileSteps.Download)
                .TransitionTo(Downloading));

        During(Downloading,
            When(Downloaded, AnswersThisStep)
                .Then(context => context.Saga.Downloaded(context.Message))
                .CompleteStep()
                .IfElse(context => context.Message.Sha256 is null,
                    checksum => checksum
                        .StartStep(FileSteps.Checksum)
                        .TransitionTo(Checksumming),
                    hashed => hashed
                        .Then(context => context.Saga.ChecksummedByDownload(context.Message, Now))
                        .IfElse(context => context.Message.Converted is null,
                            steps => steps.StartStepAfterChecksum(),
                            converted => converted
                                .Then(context => context.Saga.ConvertedByDownload(context.Message, Now))
                                .CompleteFile(context => new OutputList(context.Message.Converted!.Outputs, context.Message.Converted.OutputManifest)))),
            When(DownloadFaulted).RetryOrFail());

        During(Checksumming,
            When(ChecksumComputed, AnswersThisStep)
                .Then(context => context.Saga.Checksummed(context.Message))
                .CompleteStep()
                .StartStepAfterChecksum(),
            When(ChecksumFaulted).RetryOrFail());

        During(Converting,
            When(Converted, AnswersThisStep)
                .Then(context => context.Saga.Converted(context.Message))
                .CompleteStep()
                .IfElse(context => context.Message.ChildCount is null,
                    results => results
                        .IfElse(context => context.Message.ResultsPublished,
                            published => published
                                .Then(context => context.Saga.UploadedByConvert(context.Message, Now))
                                .CompleteFile(context => new OutputList(context.Message.Outputs, context.Message.OutputManifest)),
                            staged => staged
                                .StartStep(FileSteps.Upload)
                                .TransitionTo(Uploading)),
                    archive => archive
                        .IfElse(context => context.Message.ChildCount == 0,
                            empty => empty.CompleteFile(_ => OutputList.None),
                            expanded => expanded
                                .Publish(context => new ArchiveExpanded
                                {
                                    FileId = context.Saga.CorrelationId, ChildCount = context.Message.ChildCount!.Value, Children = context.Message.Children
                                })
                                .TransitionTo(AwaitingChildren))),
            When(ConvertFaulted).RetryOrFail());

        During(Uploading,
            When(ResultUploaded, AnswersThisStep)
                .CompleteStep()
                .CompleteFile(context => new OutputList(context.Message.Outputs, context.Message.OutputManifest)),
            When(UploadFaulted).RetryOrFail());

        // An attempt nobody answered by its deadline counts as failed: the step is sent again at once, or the file fails. The
        // sweeper may report an attempt twice, or just after it was answered or its deadline moved on (a progress report):
        // only the running attempt, past its deadline, times out.
        During(FileSteps.States.Select(GetState),
            When(StepTimedOut, IsDue)
                .Then(context =>
                {
                    Logger.LogWarning("File {FileId}: {Step} attempt {Attempt} got no answer within {Timeout}",
                        context.Saga.CorrelationId, context.Saga.CurrentStep, context.Saga.Attempt, Settings.StepTimeout);
                    FileMetrics.AttemptTimedOut(context.Saga.CurrentStep!);
                })
                .IfElse(context => context.Saga.CountedAttempts < Settings.MaxAttempts,
                    retry => retry
                        .Then(context =>
                        {
                            context.Saga.AttemptFailed($"No answer within {Settings.StepTimeout}.", Now, retryAt: null);
                            FileMetrics.AttemptRetried(context.Saga.CurrentStep!, FailureClasses.Timeout);
                        })
                        .StartCurrentStep(),
                    fail => fail
                        .FailFile(context => $"No answer within {Settings.StepTimeout}, {context.Saga.CountedAttempts} attempts.",
                            _ => FailureClasses.Timeout)),
            Ignore(StepTimedOut, context => !IsDue(context)),
            When(StepRetry.Received, context => context.Saga.IsCurrent(context.Message.Step, context.Message.Attempt))
                .StartCurrentStep(),
            // The running attempt advanced: its deadline moves on.
            When(Progressed, context => context.Saga.IsNews(context.Message))
                .Then(context => context.Saga.Progressed(context.Message, Now, Now + Settings.StepTimeout)));

        // A report that crossed the file's last answer.
        During(AwaitingChildren, Completed, Failed, Ignore(StepTimedOut));

        // An archive completes with its failed children listed while they stay within Processing:Archives:ToleratedFailurePercent.
        During(AwaitingChildren,
            When(ChildrenFinished)
                .Then(context => context.Saga.ChildrenCounted(context.Message, Now))
                .IfElse(context => context.Message.WithinTolerance,
                    tolerated => tolerated.CompleteFile(_ => OutputList.None),
                    failed => failed.FailFile(context => TooManyChildrenFailed(context.Message), _ => FailureClasses.Children)));

        // A child retried after its archive completed moves between the counts.
        During(Completed,
            When(ChildrenFinished)
                .Then(context => context.Saga.ChildrenCounted(context.Message, Now)));

        // Retrying an archive retries its failed children (the API sends them the retry): once they are within the
        // tolerance, the archive completes.
        During(Failed,
            When(RetryRequested)
                .Then(context => context.Saga.Resume())
                .StartCurrentStep()
                .ResumeInStepState(),
            When(ChildrenFinished)
                .Then(context => context.Saga.ChildrenCounted(context.Message, Now))
                .If(context => context.Message.WithinTolerance, tolerated => tolerated.CompleteFile(_ => OutputList.None)));

        // Duplicates and late answers (a redelivered completion, a fault after a retry succeeded, a timer that fired
        // after its step moved on) change nothing.
        OnUnhandledEvent(context =>
        {
            Logger.LogInformation("Ignored {Event} for file {FileId} in state {State}", context.Event.Name, context.Saga.CorrelationId,
                context.Saga.CurrentState);
            return Task.CompletedTask;
        });

        ConnectStateObserver(new HistoryObserver(clock));
    }

    internal TimeProvider Clock { get; }

    internal FileSagaOptions Settings { get; }

    internal ILogger Logger { get; }

    internal DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>A timeout reported this close to the deadline times the attempt out: the hosts' clocks are not exact.</summary>
    static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(1);

    /// <summary>Whether the reported attempt is the running one and past its deadline.</summary>
    bool IsDue(BehaviorContext<FileState, StepTimedOut> context) =>
        context.Saga.IsCurrent(context.Message.Step, context.Message.Attempt) && context.Saga.StepTimeoutAt - Now <= ClockTolerance;

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

    public Event<ArchiveChildrenFinished> ChildrenFinished { get; } = null!;

    public Event<StepProgressed> Progressed { get; } = null!;

    /// <summary>An attempt is past its deadline (<see cref="StepTimeoutSweeper" />).</summary>
    public Event<StepTimedOut> StepTimedOut { get; } = null!;

    public Schedule<FileState, StepRetryDue> StepRetry { get; } = null!;

    static string TooManyChildrenFailed(ArchiveChildrenFinished finished)
    {
        var children = finished.ChildrenCompleted + finished.ChildrenFailed;
        return string.Create(CultureInfo.InvariantCulture,
            $"{finished.ChildrenFailed} of the archive's {children} files failed ({100.0 * finished.ChildrenFailed / Math.Max(1, children):0.#}%), more than the {finished.ToleratedFailurePercent:0.#}% tolerated (Processing:Archives:ToleratedFailurePercent); retrying the archive retries them.");
    }

    /// <summary>An answer of the current step's attempt or of an earlier one (not of a step before a user's retry's own).</summary>
    static bool AnswersThisStep<TCompleted>(BehaviorContext<FileState, TCompleted> context)
        where TCompleted : StepCompleted =>
        context.Message.Attempt <= context.Saga.Attempt;

    /// <summary>Writes each transition into the file's history, with the worker and duration of the step that caused it.</summary>
    sealed class HistoryObserver(TimeProvider clock) : IStateObserver<FileState>
    {
        public Task StateChanged(BehaviorContext<FileState> context, State currentState, State previousState)
        {
            if (currentState.Name == FileStates.Initial)
                return Task.CompletedTask;

            // The context is the event's own (ConsumeContext<T> is covariant): a step completion shows as StepCompleted.
            var completed = (context as ConsumeContext<StepCompleted>)?.Message;
            var error = currentState.Name == FileStates.Failed ? context.Saga.ErrorMessage : null;
            var retry = (context as ConsumeContext<FileRetryRequested>)?.Message;
            context.Saga.Transitioned(previousState?.Name ?? FileStates.Initial, currentState.Name, clock.GetUtcNow(), completed, error, retry?.Note);
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// The recurring parts of the machine, named so the machine reads like the spec. They reach the clock, the settings and the
/// logger through the machine that binds them.
/// </summary>
static class FileStateMachineActivities
{
    /// <summary>Starts the step's first attempt.</summary>
    public static EventActivityBinder<FileState, TEvent> StartStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder, string step)
        where TEvent : class =>
        binder.StartAttempt(_ => FileSteps.Named(step));

    /// <summary>The file's SHA-256 is known, from its checksum step or from a download that read it whole: the next step starts.</summary>
    public static EventActivityBinder<FileState, TEvent> StartStepAfterChecksum<TEvent>(this EventActivityBinder<FileState, TEvent> binder)
        where TEvent : class =>
        binder.StartStep(FileSteps.Convert).TransitionTo(binder.Machine().Converting);

    /// <summary>Starts the next attempt of the step the file is at.</summary>
    public static EventActivityBinder<FileState, TEvent> StartCurrentStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder)
        where TEvent : class =>
        binder.StartAttempt(context => FileSteps.Named(context.Saga.CurrentStep!));

    /// <summary>Records the finished attempt; the timer stays, for the next step's attempt.</summary>
    public static EventActivityBinder<FileState, TEvent> CompleteStep<TEvent>(this EventActivityBinder<FileState, TEvent> binder)
        where TEvent : StepCompleted =>
        binder.Then(context => context.Saga.CompleteStep(context.Message, binder.Machine().Now));

    /// <summary>
    /// A step's attempt faulted: a permanent error, or the last allowed attempt, fails the file; otherwise the next attempt
    /// is scheduled after a backoff. A fault for another attempt than the current one changes nothing.
    /// </summary>
    public static EventActivityBinder<FileState, Fault<TCommand>> RetryOrFail<TCommand>(this EventActivityBinder<FileState, Fault<TCommand>> binder)
        where TCommand : StepCommand
    {
        var machine = binder.Machine();
        return binder.If(context => context.Message.Message.Attempt == context.Saga.Attempt, current => current
            .Then(context =>
            {
                machine.Logger.LogWarning("File {FileId}: {Step} attempt {Attempt} faulted ({ExceptionType}): {Reason}",
                    context.Saga.CorrelationId, context.Saga.CurrentStep, context.Saga.Attempt, context.Message.Exceptions.FirstOrDefault()?.ExceptionType,
                    Reason(context.Message));
                FileMetrics.AttemptFaulted(context.Saga.CurrentStep!, ReasonClass(context.Message));
            })
            .IfElse(context => !PermanentFailures.IsPermanent(context.Message.Exceptions.FirstOrDefault()?.ExceptionType)
                    && context.Saga.CountedAttempts < machine.Settings.MaxAttempts,
                retry => retry
                    .Then(context =>
                    {
                        var now = machine.Now;
                        context.Saga.AttemptFailed(Reason(context.Message), now, now + machine.Settings.RetryDelay(context.Saga.CountedAttempts));
                        FileMetrics.AttemptRetried(context.Saga.CurrentStep!, ReasonClass(context.Message));
                        machine.Logger.LogInformation("File {FileId}: {Step} attempt {NextAttempt} scheduled at {RetryAt}", context.Saga.CorrelationId,
                            context.Saga.CurrentStep, context.Saga.Attempt + 1, context.Saga.StepRetryAt);
                    })
                    .Schedule(machine.StepRetry,
                        context => new StepRetryDue { FileId = context.Saga.CorrelationId, Step = context.Saga.CurrentStep!, Attempt = context.Saga.Attempt },
                        context => machine.Settings.RetryDelay(context.Saga.CountedAttempts)),
                fail => fail.FailFile(context => Reason(context.Message), context => ReasonClass(context.Message))));
    }

    /// <summary>Completes the file with its published results (none for an archive), and tells whoever listens.</summary>
    public static EventActivityBinder<FileState, TEvent> CompleteFile<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        Func<BehaviorContext<FileState, TEvent>, OutputList> published)
        where TEvent : class =>
        binder
            .Then(context =>
            {
                context.Saga.Finish(published(context), binder.Machine().Now);
                FileMetrics.FileCompleted();
            })
            .Publish(context => new FileProcessingCompleted
            {
                FileId = context.Saga.CorrelationId,
                Outputs = context.Saga.Outputs,
                OutputManifest = context.Saga.OutputManifest,
                CompletedAt = context.Saga.ProcessedAt!.Value
            })
            .ReportToParent(succeeded: true)
            .TransitionTo(binder.Machine().Completed);

    /// <summary>Fails the file with a reason a user can act on, keeps its original, and tells whoever listens.</summary>
    public static EventActivityBinder<FileState, TEvent> FailFile<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        Func<BehaviorContext<FileState, TEvent>, string> reason, Func<BehaviorContext<FileState, TEvent>, string> reasonClass)
        where TEvent : class
    {
        var machine = binder.Machine();
        return binder
            .Then(context =>
            {
                context.Saga.Fail(reason(context), machine.Now);
                FileMetrics.FileFailed(context.Saga.CurrentStep, reasonClass(context));
            })
            .Unschedule(machine.StepRetry)
            .Publish(context => new FileProcessingFailed
            {
                FileId = context.Saga.CorrelationId,
                Step = context.Saga.CurrentStep ?? "",
                Attempt = context.Saga.Attempt,
                Reason = context.Saga.ErrorMessage!,
                FailedAt = context.Saga.UpdatedAt
            })
            .Send(FileSteps.PreserveFailedAddress, context => new PreserveFailedFile
            {
                FileId = context.Saga.CorrelationId,
                Tenant = context.Saga.Tenant,
                SourceBucket = context.Saga.SourceBucket,
                SourceKey = context.Saga.SourceKey,
                OriginalName = context.Saga.OriginalName,
                FailedAt = context.Saga.UpdatedAt
            })
            .ReportToParent(succeeded: false)
            .TransitionTo(machine.Failed);
    }

    /// <summary>Moves a resumed file into the state of the step it resumes.</summary>
    public static EventActivityBinder<FileState, TEvent> ResumeInStepState<TEvent>(this EventActivityBinder<FileState, TEvent> binder)
        where TEvent : class =>
        FileSteps.All.Aggregate(binder, (current, step) =>
            current.If(context => context.Saga.CurrentStep == step.Name, resume => resume.TransitionTo(binder.Machine().GetState(step.State))));

    /// <summary>Starts an attempt: its deadline is set (<see cref="FileState.StepTimeoutAt" />) and its command sent to the step's queue.</summary>
    static EventActivityBinder<FileState, TEvent> StartAttempt<TEvent>(this EventActivityBinder<FileState, TEvent> binder,
        Func<BehaviorContext<FileState, TEvent>, FileStep> step)
        where TEvent : class
    {
        var machine = binder.Machine();
        return binder.ThenAsync(context =>
            step(context).StartAttemptAsync(context.Saga, machine.Now, machine.Settings.StepTimeout, context, context.CancellationToken));
    }

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

    static FileStateMachine Machine<TEvent>(this EventActivityBinder<FileState, TEvent> binder)
        where TEvent : class =>
        (FileStateMachine)binder.StateMachine;

    static string Reason<TCommand>(Fault<TCommand> fault) =>
        fault.Exceptions.FirstOrDefault()?.Message ?? "The step faulted.";

    static string ReasonClass<TCommand>(Fault<TCommand> fault) => FailureClasses.Of(fault.Exceptions.FirstOrDefault()?.ExceptionType);
}
