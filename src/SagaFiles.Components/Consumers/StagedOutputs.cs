using SagaFiles.Processing;
using SagaFiles.Processing.Processors;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Where the convert step's processor puts what it produces: results into temp files (stored in staging once the
/// processor has finished, so a failed conversion stores nothing), archive entries straight into the incoming bucket
/// as the originals of the child files (published only once every entry is stored).
/// </summary>
sealed class StagedOutputs(IObjectStore store, StorageOptions storage, ConvertFile command) : IProcessingOutputs, IAsyncDisposable
{
    readonly Dictionary<string, FileStream> _results = new(StringComparer.Ordinal);
    readonly List<StoredChild> _children = [];

    public IReadOnlyList<StoredChild> Children => _children;

    public Stream CreateResult(string name)
    {
        if (_results.ContainsKey(name))
            throw new InvalidOperationException($"The processor created two results named '{name}'.");
        var file = TempFile.Create(command.FileId, "result");
        _results.Add(name, file);
        return file;
    }

    public async Task<long> AddChildAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        var index = _children.Count;
        var key = FileKeys.ArchiveEntry(command.Tenant, command.FileId, index, FileNames.Sanitize(path));
        var size = await store.PutAsync(storage.IncomingBucket, key, content, "application/octet-stream", cancellationToken: cancellationToken);
        _children.Add(new StoredChild(ChildFileIds.For(command.FileId, index), path, new ObjectLocation(storage.IncomingBucket, key), size));
        return size;
    }

    /// <summary>Stores each result at <c>{tenant}/staging/{fileId}/result/{name}</c> and describes it.</summary>
    public async Task<IReadOnlyList<FileOutput>> StoreResultsAsync(ProcessingOutcome outcome, CancellationToken cancellationToken)
    {
        var outputs = new List<FileOutput>(outcome.Results.Count);
        foreach (var result in outcome.Results)
        {
            var file = _results[result.Name];
            file.Position = 0;
            var key = FileKeys.StagedResult(command.Tenant, command.FileId, result.Name);
            var size = await store.PutAsync(storage.StagingBucket, key, file, result.MediaType, cancellationToken: cancellationToken);
            outputs.Add(new FileOutput
            {
                Bucket = storage.StagingBucket, Key = key, Name = result.Name, Format = result.Format, Size = size,
                Table = result.Table is { } table ? TableShapes.Of(table) : null
            });
        }

        return outputs;
    }

    /// <summary>Removes the entries stored so far: a rejected archive leaves no orphans.</summary>
    public Task DeleteChildrenAsync(CancellationToken cancellationToken) =>
        _children.Count == 0
            ? Task.CompletedTask
            : store.DeletePrefixAsync(storage.IncomingBucket, FileKeys.ArchiveEntriesPrefix(command.Tenant, command.FileId), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _results.Values)
            await file.DisposeAsync();
    }
}

/// <summary>An archive entry stored as a child file's original.</summary>
sealed record StoredChild(Guid FileId, string Path, ObjectLocation Location, long Size);
