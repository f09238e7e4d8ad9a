namespace SagaFiles.Processing;

/// <summary>What is refused before any step reads the content, by the worker's download step and the local CLI alike.</summary>
public static class InputChecks
{
    /// <returns>Why a file of <paramref name="size" /> bytes is refused, for users; null when it goes on.</returns>
    public static string? Refusal(long size) => size == 0 ? "The file is empty (0 bytes)." : null;
}
