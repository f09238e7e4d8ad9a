using Microsoft.Extensions.Options;
using SagaFiles.Components.Steps;

namespace SagaFiles.Components.StateMachines;

/// <summary>
/// The saga's first transition (Pending -> Downloading on <see cref="FileUploaded" />), taken where a file is recorded and
/// in the same transaction: the row goes in at the download's state with its first attempt started, and the download's
/// command leaves through the same bus outbox. Every file is spared a message, a saga consume and its transactions
/// (docs/adr/0014). The machine's own Uploaded transitions stay for files announced by <see cref="FileUploaded" /> alone:
/// an archive's children, and files an API of an earlier version recorded as Pending.
/// </summary>
public sealed class FileSagaStart(IOptions<FileSagaOptions> options)
{
    /// <summary>The state a file is recorded in: the status an intake's answer gives, first or replayed, is this state's.</summary>
    public static string RecordedState => FileSteps.Named(FileSteps.Download).State;

    /// <summary>The file's record, started; add it to the context whose outbox <paramref name="sends" /> writes to, then save both.</summary>
    public async Task<FileState> StartAsync(FileUploaded uploaded, DateTimeOffset now, ISendEndpointProvider sends, CancellationToken cancellationToken)
    {
        var download = FileSteps.Named(FileSteps.Download);
        var file = new FileState { CorrelationId = uploaded.FileId, CurrentState = FileStates.Pending };
        file.Accept(uploaded, now);
        await download.StartAttemptAsync(file, now, options.Value.StepTimeout, sends, cancellationToken);
        file.Transitioned(FileStates.Pending, RecordedState, now, completed: null, error: null);
        file.CurrentState = RecordedState;
        return file;
    }
}
