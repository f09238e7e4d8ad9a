using SagaFiles.Processing.IO;

namespace SagaFiles.Components.Tests.Support;

/// <summary>
/// A forward-only stream of <paramref name="length" /> pseudo-random bytes that reports no length, as a request body
/// does: it exercises uploads of unknown size without holding the bytes anywhere.
/// </summary>
public sealed class GeneratedStream(long length, int seed) : ReadOnlyStream
{
    readonly Random _random = new(seed);
    long _position;

    public override int Read(Span<byte> buffer)
    {
        // Odd-sized reads, as from a network, so no read lines up with a part boundary.
        var count = (int)Math.Min(Math.Min(buffer.Length, 100_003), length - _position);
        // Random yields the same bytes whatever the chunking only one byte at a time.
        for (var i = 0; i < count; i++)
            buffer[i] = (byte)_random.Next(256);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Position => _position;
}
