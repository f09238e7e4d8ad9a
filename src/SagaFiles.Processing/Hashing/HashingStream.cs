using System.Buffers;
using System.Security.Cryptography;
using SagaFiles.Processing.IO;

namespace SagaFiles.Processing.Hashing;

/// <summary>
/// A read-only, forward-only wrapper that hashes (SHA-256) every byte read through it. Once the inner stream has been
/// read to its end, <see cref="Checksum" /> holds the digest and the byte count; nothing is buffered beyond the caller's
/// own read buffer.
/// </summary>
public sealed class HashingStream : ReadOnlyStream
{
    /// <summary>The buffer size used when this stream is copied or drained.</summary>
    public const int CopyBufferSize = 1024 * 1024;

    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly Stream _inner;
    readonly bool _leaveOpen;
    long _bytesRead;
    Sha256Checksum? _checksum;

    /// <param name="inner">The stream to read from.</param>
    /// <param name="leaveOpen">Leave <paramref name="inner" /> open when this stream is disposed.</param>
    public HashingStream(Stream inner, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead)
            throw new ArgumentException("The stream must be readable.", nameof(inner));
        _inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes read through this stream so far.</summary>
    public long BytesRead => _bytesRead;

    /// <summary>True once the inner stream has reported its end.</summary>
    public bool IsComplete => _checksum is not null;

    /// <summary>The digest and length of everything read; only once <see cref="IsComplete" />.</summary>
    /// <exception cref="InvalidOperationException">The stream has not been read to its end.</exception>
    public Sha256Checksum Checksum => _checksum ??
        throw new InvalidOperationException("The SHA-256 digest is known only once the stream has been read to its end.");

    public override long Length => _inner.Length;
    public override long Position => _bytesRead;

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..read]);
        return read;
    }

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, CopyBufferSize));
        try
        {
            int read;
            while ((read = await ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the rest of the inner stream, discarding the bytes, and returns the checksum.</summary>
    public async Task<Sha256Checksum> DrainAsync(CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Checksum;
    }

    void Observe(ReadOnlySpan<byte> bytes)
    {
        if (_checksum is not null)
            return;
        if (bytes.IsEmpty)
        {
            _checksum = new Sha256Checksum(Convert.ToHexStringLower(_hash.GetHashAndReset()), _bytesRead);
            return;
        }

        _hash.AppendData(bytes);
        _bytesRead += bytes.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!_leaveOpen)
                _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        if (!_leaveOpen)
            await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
