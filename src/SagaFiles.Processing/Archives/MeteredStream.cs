using SagaFiles.Processing.IO;

namespace SagaFiles.Processing.Archives;

/// <summary>Sees the bytes read through a <see cref="MeteredStream" />, and where in it they were.</summary>
delegate void ReadObserver(long position, ReadOnlySpan<byte> bytes);

/// <summary>
/// A read-only, forward-only view of decompressed bytes that charges them to an <see cref="ExpansionBudget" />, checks
/// the total at the end against what the archive stated, and turns the decompressor's errors (which the caller would
/// otherwise retry as transient) into <see cref="ArchiveRejectedException" />.
/// </summary>
/// <param name="inner">The decompressed bytes; disposed with this stream unless <paramref name="leaveInnerOpen" />.</param>
/// <param name="budget">Where the bytes are charged; null when a wrapping stream charges them already.</param>
/// <param name="subject">What the messages name: <c>entry "a.csv"</c>, <c>the gzip data</c>.</param>
/// <param name="verifyEnd">Called once with the total when <paramref name="inner" /> ends; throws when it is wrong.</param>
/// <param name="leaveInnerOpen">Whether <paramref name="inner" /> belongs to someone else (a tar entry's data belongs to
/// its reader, which skips what was not read).</param>
/// <param name="observe">Sees every byte read, before the reader does.</param>
sealed class MeteredStream(Stream inner, ExpansionBudget? budget, string subject, Action<long>? verifyEnd,
    bool leaveInnerOpen = false, ReadObserver? observe = null) : ReadOnlyStream
{
    long _read;
    bool _ended;

    public override long Position => _read;

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw Corrupt(e);
        }

        return Observe(buffer[..read], buffer.IsEmpty);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsCorruption(e))
        {
            throw Corrupt(e);
        }

        return Observe(buffer.Span[..read], buffer.IsEmpty);
    }

    int Observe(ReadOnlySpan<byte> read, bool askedForNothing)
    {
        if (!read.IsEmpty)
        {
            observe?.Invoke(_read, read);
            _read += read.Length;
            budget?.Charge(read.Length);
        }
        else if (!askedForNothing && !_ended)
        {
            _ended = true;
            verifyEnd?.Invoke(_read);
        }

        return read.Length;
    }

    /// <summary>What the decompressors and <see cref="System.Formats.Tar.TarReader" /> throw on damaged input.</summary>
    public static bool IsCorruption(Exception e) =>
        e is InvalidDataException or EndOfStreamException or FormatException or OverflowException;

    ArchiveRejectedException Corrupt(Exception e) =>
        new(ArchiveRejection.Corrupt, $"{subject} is corrupt or truncated: {e.Message}", e);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveInnerOpen)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!leaveInnerOpen)
            await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
