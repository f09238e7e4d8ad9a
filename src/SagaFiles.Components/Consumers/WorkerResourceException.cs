using System.Net.Sockets;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// The worker, not the file, ran out of something: its disk is full (ENOSPC) or it has too many files open (EMFILE,
/// ENFILE). An <see cref="IOException" />, so the step retries it as transient and the saga tries the attempt again, with
/// a reason that says which.
/// </summary>
public sealed class WorkerResourceException(string message, Exception inner) : IOException(message, inner)
{
    // Unix errno values, which .NET puts in an IOException's HResult on Linux and macOS; Windows' own codes beside them.
    const int Enospc = 28, Emfile = 24, Enfile = 23, WindowsDiskFull = 0x70, WindowsHandleDiskFull = 0x27, WindowsTooManyOpenFiles = 4;

    /// <summary>The exception to fail the attempt with when <paramref name="exception" /> (or one it wraps) is an exhausted
    /// resource of the worker; null otherwise.</summary>
    public static WorkerResourceException? From(Exception exception)
    {
        for (var e = exception; e != null; e = e.InnerException)
        {
            if (e is WorkerResourceException already)
                return already;
            var code = e is IOException ? e.HResult & 0xFFFF : -1;
            if (code is Enospc or WindowsDiskFull or WindowsHandleDiskFull)
                return new WorkerResourceException($"The worker's disk is full (ENOSPC: {e.Message}); the step will be tried again.", exception);
            if (code is Emfile or Enfile or WindowsTooManyOpenFiles || e is SocketException { SocketErrorCode: SocketError.TooManyOpenSockets })
                return new WorkerResourceException($"The worker has too many files open (EMFILE: {e.Message}); the step will be tried again.", exception);
        }

        return null;
    }
}
