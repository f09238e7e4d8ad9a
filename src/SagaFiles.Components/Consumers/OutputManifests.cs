using System.Text.Json;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// A step's results as its messages carry them: listed inline while the list is short, otherwise written to an
/// <see cref="OutputManifest" /> object that the messages and the file's record point to (a claim check), so a file of
/// a thousand tables or ten thousand columns makes no message larger than a one-table file.
/// </summary>
public sealed class OutputManifests(IObjectStore store)
{
    /// <returns>The results inline when their JSON takes at most <paramref name="maxInlineBytes" />; otherwise none inline and
    /// the manifest written at <paramref name="location" />.</returns>
    public async Task<OutputList> ShareAsync(IReadOnlyList<FileOutput> outputs, ObjectLocation location, int maxInlineBytes,
        CancellationToken cancellationToken)
    {
        // The list is already held as objects; its JSON is of the same size, bounded by Processing:Limits (tables, columns, names).
        var json = JsonSerializer.SerializeToUtf8Bytes(outputs, JsonSerializerOptions.Web);
        if (json.Length <= maxInlineBytes)
            return new OutputList(outputs, null);

        await using var content = new MemoryStream(json, writable: false);
        await store.PutAsync(location.Bucket, location.Key, content, "application/json", cancellationToken: cancellationToken);
        return new OutputList([], new OutputManifest { Bucket = location.Bucket, Key = location.Key, Count = outputs.Count });
    }

    /// <returns>The results, from the message when it lists them, otherwise from its manifest.</returns>
    /// <exception cref="ObjectNotFoundException">The manifest is gone.</exception>
    public async Task<IReadOnlyList<FileOutput>> ReadAsync(IReadOnlyList<FileOutput> listed, OutputManifest? manifest,
        CancellationToken cancellationToken)
    {
        if (manifest is null)
            return listed;
        await using var content = await store.OpenReadAsync(manifest.Bucket, manifest.Key, cancellationToken);
        return await JsonSerializer.DeserializeAsync<List<FileOutput>>(content, JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidDataException($"The manifest {manifest.Bucket}/{manifest.Key} lists no results.");
    }
}

/// <summary>A step's results: <see cref="Listed" />, or in <see cref="Manifest" /> when that is not null.</summary>
public sealed record OutputList(IReadOnlyList<FileOutput> Listed, OutputManifest? Manifest)
{
    public static readonly OutputList None = new([], null);
}
