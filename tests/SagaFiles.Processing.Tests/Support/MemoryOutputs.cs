using SagaFiles.Processing.Processors;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>Results and children kept in memory, for processor specs.</summary>
public sealed class MemoryOutputs : IProcessingOutputs
{
    public Dictionary<string, MemoryStream> Results { get; } = new(StringComparer.Ordinal);

    public List<(string Path, byte[] Content)> Children { get; } = [];

    public Stream CreateResult(string name)
    {
        var stream = new MemoryStream();
        Results.Add(name, stream);
        return stream;
    }

    public async Task<long> AddChildAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        Children.Add((path, copy.ToArray()));
        return copy.Length;
    }
}
