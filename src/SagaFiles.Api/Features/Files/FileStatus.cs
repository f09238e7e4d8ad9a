using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files;

/// <summary>What users see of a file's saga state.</summary>
public enum FileStatus
{
    Pending,
    Processing,
    Completed,
    Failed
}

public static class FileStatuses
{
    public static readonly string[] ProcessingStates = ["Downloading", "Checksumming", "Converting", "Uploading", "AwaitingChildren"];

    public static FileStatus Of(FileState file) => file.CurrentState switch
    {
        "Completed" => FileStatus.Completed,
        "Failed" => FileStatus.Failed,
        "Pending" or "Initial" or "" => FileStatus.Pending,
        _ => FileStatus.Processing
    };

    /// <summary>The saga states a status stands for.</summary>
    public static string[] States(FileStatus status) => status switch
    {
        FileStatus.Pending => ["Pending", "Initial"],
        FileStatus.Processing => ProcessingStates,
        FileStatus.Completed => ["Completed"],
        _ => ["Failed"]
    };
}

/// <summary>Where to find more about a file.</summary>
public sealed record FileLinks(string Self, string Saga, string Events, string Original, string Result)
{
    public static FileLinks For(Guid id) => new($"/files/{id}", $"/files/{id}/saga", $"/files/{id}/events",
        $"/files/{id}/download?what=original", $"/files/{id}/download?what=result");
}
