using System.Text;

namespace SagaFiles.Processing.Tests.Sql;

/// <summary>
/// A forward-only dump produced as it is read: a head, then <paramref name="rows" /> lines from <paramref name="row" />,
/// then a tail. Lets a spec feed a large dump without holding it.
/// </summary>
sealed class GeneratedDump(string head, long rows, Func<long, string> row, string tail) : Stream
{
    readonly byte[] _tail = Encoding.UTF8.GetBytes(tail);
    byte[] _pending = Encoding.UTF8.GetBytes(head);
    int _offset;
    long _nextRow;
    bool _tailQueued;

    public long BytesProduced { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset == _pending.Length)
        {
            if (_nextRow < rows)
                _pending = Encoding.UTF8.GetBytes(row(_nextRow++));
            else if (!_tailQueued)
                (_pending, _tailQueued) = (_tail, true);
            else
                return 0;
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _pending.Length - _offset);
        _pending.AsSpan(_offset, count).CopyTo(buffer);
        _offset += count;
        BytesProduced += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
