using SagaFiles.Components.StateMachines;

namespace SagaFiles.Components.Steps;

/// <summary>What users see of a file's saga state.</summary>
public enum FileStatus
{
    Pending,
    Processing,
    Completed,
    Failed
}

/// <summary>
/// The file saga's states by name, as the <c>files</c> table stores them: those of <see cref="FileStateMachine" /> that are
/// not a step's (a step's state is in <see cref="FileSteps" />), and the status each state shows as.
/// </summary>
public static class FileStates
{
    /// <summary>MassTransit's state of an instance that no event has moved yet.</summary>
    public const string Initial = "Initial";

    /// <summary>MassTransit's final state (a file never reaches it: its row is kept).</summary>
    public const string Final = "Final";

    public const string Pending = nameof(FileStateMachine.Pending);
    public const string AwaitingChildren = nameof(FileStateMachine.AwaitingChildren);
    public const string Completed = nameof(FileStateMachine.Completed);
    public const string Failed = nameof(FileStateMachine.Failed);

    /// <summary>The states in which no step runs.</summary>
    public static readonly IReadOnlyList<string> WithoutStep = [Initial, Final, Pending, AwaitingChildren, Completed, Failed];

    static readonly Dictionary<FileStatus, string[]> ByStatus = new()
    {
        [FileStatus.Pending] = [Pending, Initial],
        [FileStatus.Processing] = [.. FileSteps.States, AwaitingChildren],
        [FileStatus.Completed] = [Completed],
        [FileStatus.Failed] = [Failed]
    };

    /// <summary>The saga states a status stands for.</summary>
    public static IReadOnlyList<string> Of(FileStatus status) => ByStatus[status];

    /// <summary>The status a saga state shows as; a state the model does not know throws.</summary>
    public static FileStatus StatusOf(string state)
    {
        foreach (var (status, states) in ByStatus)
            if (states.Contains(state))
                return status;
        throw new ArgumentOutOfRangeException(nameof(state), state, "Not a state of the file saga.");
    }
}
