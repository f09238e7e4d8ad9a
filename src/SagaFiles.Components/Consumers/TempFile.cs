namespace SagaFiles.Components.Consumers;

/// <summary>A scratch file in the temp folder that the OS deletes when it is closed, on every path.</summary>
static class TempFile
{
    const int BufferSize = 1024 * 1024;

    public static FileStream Create(Guid fileId, string purpose) =>
        new(Path.Combine(Path.GetTempPath(), $"sagafiles-{fileId:N}-{purpose}-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
