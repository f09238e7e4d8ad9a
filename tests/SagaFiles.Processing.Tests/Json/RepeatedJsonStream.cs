using System.Text;

namespace SagaFiles.Processing.Tests.Json;

/// <summary>
/// A seekable, read-only stream of <c>head</c>, then <c>count</c> records separated by <c>separator</c>, then
/// <c>tail</c>, produced as it is read: lets a test convert gigabytes without holding them. Record i is
/// <c>record(i)</c>, which must be ASCII and always the same length.
/// </summary>
sealed class RepeatedJsonStream : Stream
{
    readonly byte[] _head;
    readonly byte[] _tail;
    readonly byte[] _separator;
    readonly Func<long, string> _record;
    readonly long _count;
    readonly int _recordLength;
    long _position;

    public RepeatedJsonStream(string head, Func<long, string> record, long count, string separator, string tail)
    {
        _head = Encoding.ASCII.GetBytes(head);
        _tail = Encoding.ASCII.GetBytes(tail);
        _separator = Encoding.ASCII.GetBytes(separator);
        _record = record;
        _count = count;
        _recordLength = record(0).Length + _separator.Length;
        Length = _head.Length + count * _recordLength - (count > 0 ? _separator.Length : 0) + _tail.Length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < Length)
        {
            var chunk = ChunkAt(_position, out var skip);
            var length = Math.Min(chunk.Length - skip, buffer.Length - written);
            chunk.AsSpan(skip, length).CopyTo(buffer[written..]);
            written += length;
            _position += length;
        }

        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    /// <summary>The head, one record with its separator, or the tail, holding <paramref name="position" />.</summary>
    byte[] ChunkAt(long position, out int skip)
    {
        if (position < _head.Length)
        {
            skip = (int)position;
            return _head;
        }

        var body = position - _head.Length;
        var index = body / _recordLength;
        if (index < _count)
        {
            var record = _record(index) + (index < _count - 1 ? Encoding.ASCII.GetString(_separator) : "");
            var offset = (int)(body % _recordLength);
            if (offset < record.Length)
            {
                skip = offset;
                return Encoding.ASCII.GetBytes(record);
            }
        }

        skip = (int)(position - (Length - _tail.Length));
        return _tail;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset
    };

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
