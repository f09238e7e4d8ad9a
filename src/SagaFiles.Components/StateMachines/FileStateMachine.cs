using Microsoft.Extensions.Logging;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// A file's way through SagaFiles: Pending -> Downloading -> Checksumming -> Converting -> Uploading -> Completed,
/// or Failed when a step faults. Each step is a command to a consumer queue; its completion moves the file on.
/// A completion for an older attempt, or one arriving twice, changes nothing.
/// </summary>
public sealed class FileStateMachine : MassTransitStateMachine<FileState>
{
    public FileStateMachine(TimeProvider clock, ILogger<FileStateMachine> logger)
    {
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

        // The API records an upload as Pending in the same transaction that publishes FileUploaded;
        // other ways in (S3 polling, a watched folder) publish FileUploaded alone.
        Initially(
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, clock.GetUtcNow()))
                .StartDownload(clock)
                .TransitionTo(Downloading));

        During(Pending,
            When(Uploaded)
                .Then(context => context.Saga.Accept(context.Message, clock.GetUtcNow()))
                .StartDownload(clock)
                .TransitionTo(Downloading));

        During(Downloading,
            When(Downloaded, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context =>
                {
                    context.Saga.CompleteStep(context.Message, clock.GetUtcNow());
                    context.Saga.StagingBucket = context.Message.StagingBucket;
                    context.Saga.StagingKey = context.Message.StagingKey;
                    context.Saga.DetectedType = context.Message.DetectedType;
                    context.Saga.MediaType = context.Message.MediaType;
                })
                .StartStep(FileSteps.Checksum, StepEndpoints.Checksum, clock, (file, attempt) => new ComputeChecksum
                {
                    FileId = file.CorrelationId,
                    Attempt = attempt,
                    Bucket = file.StagingBucket!,
                    Key = file.StagingKey!
                })
                .TransitionTo(Checksumming),
            When(DownloadFaulted).FailStep(clock).TransitionTo(Failed));

        During(Checksumming,
            When(ChecksumComputed, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context =>
                {
                    context.Saga.CompleteStep(context.Message, clock.GetUtcNow());
                    context.Saga.Sha256 = context.Message.Sha256;
                })
                .StartStep(FileSteps.Convert, StepEndpoints.Convert, clock, (file, attempt) => new ConvertFile
                {
                    FileId = file.CorrelationId,
                    Attempt = attempt,
                    Bucket = file.StagingBucket!,
                    Key = file.StagingKey!,
                    OriginalName = file.OriginalName
                })
                .TransitionTo(Converting),
            When(ChecksumFaulted).FailStep(clock).TransitionTo(Failed));

        During(Converting,
            When(Converted, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context =>
                {
                    context.Saga.CompleteStep(context.Message, clock.GetUtcNow());
                    context.Saga.ResultBucket = context.Message.ResultBucket;
                    context.Saga.ResultKey = context.Message.ResultKey;
                    context.Saga.ResultName = context.Message.ResultName;
                    context.Saga.OutputFormat = context.Message.Format;
                    context.Saga.RowCount = context.Message.RowCount;
                    context.Saga.ColumnCount = context.Message.ColumnCount;
                })
                .StartStep(FileSteps.Upload, StepEndpoints.Upload, clock, (file, attempt) => new UploadFile
                {
                    FileId = file.CorrelationId,
                    Attempt = attempt,
                    ResultBucket = file.ResultBucket!,
                    ResultKey = file.ResultKey!,
                    ResultName = file.ResultName!,
                    Format = file.OutputFormat!,
                    Sha256 = file.Sha256!,
                    SourceKey = file.SourceKey,
                    RowCount = file.RowCount,
                    ReceivedAt = file.CreatedAt
                })
                .TransitionTo(Uploading),
            When(ConvertFaulted).FailStep(clock).TransitionTo(Failed));

        During(Uploading,
            When(ResultUploaded, context => context.Message.Attempt == context.Saga.Attempt)
                .Then(context =>
                {
                    context.Saga.CompleteStep(context.Message, clock.GetUtcNow());
                    context.Saga.Finish(context.Message, clock.GetUtcNow());
                })
                .Publish(context => new FileProcessingCompleted
                {
                    FileId = context.Saga.CorrelationId,
                    Bucket = context.Saga.OutputBucket!,
                    Key = context.Saga.OutputKey!,
                    CompletedAt = context.Saga.ProcessedAt!.Value
                })
                .TransitionTo(Completed),
            When(UploadFaulted).FailStep(clock).TransitionTo(Failed));

        // Duplicates and late answers (a redelivered completion, a fault after a retry succeeded) change nothing.
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
    public static EventActivityBinder<FileState, FileUploaded> StartDownload(this EventActivityBinder<FileState, FileUploaded> binder,
        TimeProvider clock) =>
        binder.StartStep(FileSteps.Download, StepEndpoints.Download, clock, (file, attempt) => new DownloadFile
        {
            FileId = file.CorrelationId,
            Attempt = attempt,
            SourceBucket = file.SourceBucket,
            SourceKey = file.SourceKey,
            OriginalName = file.OriginalName
        });

    /// <summary>Starts the step's next attempt and sends its command to the step's queue.</summary>
    public static EventActivityBinder<FileState, TEvent> StartStep<TEvent, TCommand>(this EventActivityBinder<FileState, TEvent> binder,
        string step, string endpoint, TimeProvider clock, Func<FileState, int, TCommand> command)
        where TEvent : class
        where TCommand : class =>
        binder.Send(StepEndpoints.Address(endpoint), context => command(context.Saga, context.Saga.StartStep(step, clock.GetUtcNow())));

    /// <summary>Records why the step failed, and tells whoever listens.</summary>
    public static EventActivityBinder<FileState, Fault<TCommand>> FailStep<TCommand>(this EventActivityBinder<FileState, Fault<TCommand>> binder,
        TimeProvider clock)
        where TCommand : class =>
        binder
            .Then(context => context.Saga.Fail(context.Message.Exceptions.FirstOrDefault()?.Message ?? "The step faulted.", clock.GetUtcNow()))
            .Publish(context => new FileProcessingFailed
            {
                FileId = context.Saga.CorrelationId,
                Step = context.Saga.CurrentStep ?? "",
                Attempt = context.Saga.Attempt,
                Reason = context.Saga.ErrorMessage!,
                FailedAt = context.Saga.UpdatedAt
            });
}
