namespace SagaFiles.Components;

/// <summary>The queues of the four step consumers; the saga sends each step command to its queue.</summary>
public static class StepEndpoints
{
    public const string Download = "download-file";
    public const string Checksum = "compute-checksum";
    public const string Convert = "convert-file";
    public const string Upload = "upload-file";
    public const string PreserveFailed = "preserve-failed-file";

    public static Uri Address(string endpoint) => new($"queue:{endpoint}");
}
