using System.Buffers;
using SagaFiles.Processing;
using SagaFiles.Processing.IO;
using SagaFiles.Processing.Processors;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// Where the convert step's processor puts what it produces: results into temp files (stored in staging once the
/// processor has finished, so a failed conversion stores nothing), archive entries straight into the incoming bucket
/// as the originals of the child files (published only once every entry is stored, <see cref="StoredChildrenAsync" />).
/// A small entry is read into memory and stored while the next ones are read: storing ten thousand of them one after
/// another, each waiting for its request, would take minutes.
/// </summary>
sealed class StagedOutputs(IObjectStore store, StorageOptions storage, ConvertFile command) : IProcessingOutputs, IAsyncDisposable
{
    /// <summary>An entry up to this size is stored in the background; a larger one streams, and the archive waits for it.</summary>
    const int BufferedEntryBytes = 1024 * 1024;

    /// <summary>Entries stored at once: with <see cref="BufferedEntryBytes" />, at most 8 MiB held.</summary>
    const int EntriesInFlight = 8;

    readonly Dictionary<string, FileStream> _results = new(StringComparer.Ordinal);
    readonly List<StoredChild> _children = [];
    readonly List<Task> _storing = [];
    readonly SemaphoreSlim _inFlight = new(EntriesInFlight);

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
        long size;
        // Held until the entry is stored: returned to the pool by whoever stores it.
        var head = ArrayPool<byte>.Shared.Rent(BufferedEntryBytes + 1);
        var stored = false;
        try
        {
            var length = await content.ReadAtLeastAsync(head.AsMemory(0, BufferedEntryBytes + 1), BufferedEntryBytes + 1,
                throwOnEndOfStream: false, cancellationToken);
            if (length <= BufferedEntryBytes)
            {
                await _inFlight.WaitAsync(cancellationToken);
                // A failed store stops the expansion at the next entry, not after the whole archive was read.
                if (_storing.Find(task => task.IsFaulted) is { } failed)
                {
                    _inFlight.Release();
                    await failed;
                }

                _storing.RemoveAll(task => task.IsCompletedSuccessfully);
                _storing.Add(StoreEntryAsync(key, head, length, cancellationToken));
                stored = true;
                size = length;
            }
            else
                size = await store.PutAsync(storage.IncomingBucket, key, new PrefixedStream(head.AsMemory(0, length), content),
                    "application/octet-stream", cancellationToken: cancellationToken);
        }
        finally
        {
            if (!stored)
                ArrayPool<byte>.Shared.Return(head);
        }

        _children.Add(new StoredChild(ChildFileIds.For(command.FileId, index), path, new ObjectLocation(storage.IncomingBucket, key), size));
        return size;
    }

    async Task StoreEntryAsync(string key, byte[] head, int length, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutAsync(storage.IncomingBucket, key, new MemoryStream(head, 0, length, writable: false), "application/octet-stream",
                cancellationToken: cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
            _inFlight.Release();
        }
    }

    /// <summary>The entries stored, once the last of them is.</summary>
    public async Task<IReadOnlyList<StoredChild>> StoredChildrenAsync()
    {
        await Task.WhenAll(_storing);
        return _children;
    }

    /// <summary>
    /// Stores each result at <c>{tenant}/staging/{fileId}/result/{name}</c> and describes it; with <paramref name="publishedAt" />
    /// (a small file's conversion publishes its results), at its published place with its metadata instead.
    /// </summary>
    public async Task<IReadOnlyList<FileOutput>> StoreResultsAsync(ProcessingOutcome outcome, Func<FileOutput, ResultPlacement>? publishedAt,
        CancellationToken cancellationToken)
    {
        var outputs = new List<FileOutput>(outcome.Results.Count);
        foreach (var result in outcome.Results)
        {
            var file = _results[result.Name];
            file.Position = 0;
            var output = new FileOutput
            {
                Bucket = storage.StagingBucket, Key = FileKeys.StagedResult(command.Tenant, command.FileId, result.Name), Name = result.Name,
                Format = result.Format, MediaType = result.MediaType, Table = result.Table is { } table ? TableShapes.Of(table) : null,
                Size = 0 // known once stored
            };
            var placement = publishedAt?.Invoke(output);
            var location = placement?.Destination ?? new ObjectLocation(output.Bucket, output.Key);
            var size = await store.PutAsync(location.Bucket, location.Key, file, result.MediaType, placement?.Metadata, cancellationToken);
            outputs.Add(output with { Bucket = location.Bucket, Key = location.Key, Size = size });
        }

        return outputs;
    }

    /// <summary>Removes the entries stored so far: a rejected archive leaves no orphans.</summary>
    public async Task DeleteChildrenAsync(CancellationToken cancellationToken)
    {
        await StoresEndedAsync();
        if (_children.Count > 0)
            await store.DeletePrefixAsync(storage.IncomingBucket, FileKeys.ArchiveEntriesPrefix(command.Tenant, command.FileId), cancellationToken);
    }

    /// <summary>Waits for the entries still being stored, whatever their outcome (the step's own error is the one reported).</summary>
    Task StoresEndedAsync() => Task.WhenAll(_storing).ContinueWith(_ => { }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        await StoresEndedAsync();
        _inFlight.Dispose();
        foreach (var file in _results.Values)
            await file.DisposeAsync();
    }
}

/// <summary>An archive entry stored as a child file's original.</summary>
sealed record StoredChild(Guid FileId, string Path, ObjectLocation Location, long Size);
