namespace SagaFiles.Processing.Processors;

/// <summary>Where a processor puts what it produces; the caller stores it.</summary>
public interface IProcessingOutputs
{
    /// <summary>
    /// A new, empty result named <paramref name="name" /> (unique within the file; a safe file name). The stream is
    /// writable and seekable, owned by the caller: write it, leave it open, and describe it in the outcome.
    /// </summary>
    Stream CreateResult(string name);

    /// <summary>Stores an archive entry as a child file; <paramref name="content" /> is read to its end.</summary>
    /// <returns>The bytes stored.</returns>
    /// <param name="path">The entry's relative path inside the archive ('/'-separated, already checked).</param>
    /// <param name="content">The entry's bytes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    Task<long> AddChildAsync(string path, Stream content, CancellationToken cancellationToken);
}
