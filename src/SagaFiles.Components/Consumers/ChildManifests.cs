using System.Runtime.CompilerServices;
using System.Text.Json;
using SagaFiles.Processing;
using SagaFiles.Storage;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// An archive's children between its convert step and its counter (<see cref="ChildManifest" />): written once, as JSON
/// Lines through a temp file (memory stays flat however many entries), and read once, line by line, into Postgres.
/// </summary>
public sealed class ChildManifests(IObjectStore store)
{
    public async Task<ChildManifest> WriteAsync(Guid archiveId, IEnumerable<FileUploaded> children, ObjectLocation location,
        CancellationToken cancellationToken)
    {
        await using var lines = TempFile.Create(archiveId, "children");
        var count = 0;
        foreach (var child in children)
        {
            await JsonSerializer.SerializeAsync(lines, child, JsonSerializerOptions.Web, cancellationToken);
            lines.WriteByte((byte)'\n');
            count++;
        }

        lines.Position = 0;
        await store.PutAsync(location.Bucket, location.Key, lines, "application/x-ndjson", cancellationToken: cancellationToken);
        return new ChildManifest { Bucket = location.Bucket, Key = location.Key, Count = count };
    }

    /// <returns>Each child's <see cref="FileUploaded" /> as its JSON line, in entry order.</returns>
    public async IAsyncEnumerable<string> ReadAsync(ChildManifest manifest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(manifest.Bucket, manifest.Key, cancellationToken);
        using var reader = new StreamReader(content);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            if (line.Length > 0)
                yield return line;
    }

    public static FileUploaded Parse(string line) =>
        JsonSerializer.Deserialize<FileUploaded>(line, JsonSerializerOptions.Web) ?? throw new InvalidDataException("A child manifest line is empty.");
}
