using SagaFiles.Processing.IO;

namespace SagaFiles.Processing.Tests.Support;

/// <summary>A read-only, forward-only stream of pseudo-random bytes that are produced as they are read.</summary>
sealed class GeneratedStream(long length, ulong seed) : ReadOnlyStream
{
    ulong _state = seed | 1;
    long _position;

    public override long Length => length;
    public override long Position => _position;

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < count; i++)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            buffer[i] = (byte)_state;
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
