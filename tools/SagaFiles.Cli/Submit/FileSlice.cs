using SagaFiles.Processing.IO;

namespace SagaFiles.Cli.Submit;

/// <summary>
/// <paramref name="length" /> bytes of a file from <paramref name="offset" />, read forward (one upload's body or one part
/// of it), telling <paramref name="read" /> each count as it goes so a progress bar moves with the bytes sent.
/// </summary>
sealed class FileSlice(string path, long offset, long length, Action<int> read) : ReadOnlyStream
{
    readonly FileStream _file = Open(path, offset);
    long _left = length;

    public override int Read(Span<byte> buffer) => Count(_file.Read(buffer[..Allowed(buffer.Length)]));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _file.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken));

    int Allowed(int wanted) => (int)Math.Min(wanted, _left);

    int Count(int count)
    {
        _left -= count;
        read(count);
        return count;
    }

    static FileStream Open(string path, long offset)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Position = offset;
        return file;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
        base.Dispose(disposing);
    }
}
