using SagaFiles.Processing.IO;

namespace SagaFiles.Intake;

/// <summary>Reads through to the content and stops as soon as it passes the limit, so an oversized file is never stored whole.</summary>
sealed class LimitedReadStream(Stream inner, long limit) : ReadOnlyStream
{
    long _read;

    public override long Position => _read;

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new UploadTooLargeException() : read;
    }
}

sealed class UploadTooLargeException() : IOException("The content passed its size limit.");
