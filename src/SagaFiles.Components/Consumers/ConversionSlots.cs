using Microsoft.Extensions.Options;
using SagaFiles.Processing;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// How many files larger than the download's first read one worker converts at once: the cores over
/// <see cref="ProcessingLimits.MaxConversionThreads" /> (at least one), so conversions together never keep more threads
/// busy than the worker has cores. A smaller file (at most 64 KiB, read whole) converts in a few milliseconds of CPU and
/// needs no slot: its step is mostly waiting on S3, and many overlap.
/// </summary>
public sealed class ConversionSlots
{
    readonly SemaphoreSlim _slots;

    public ConversionSlots(IOptions<ProcessingLimits> limits)
        : this(CountFor(Environment.ProcessorCount, limits.Value.MaxConversionThreads))
    {
    }

    internal ConversionSlots(int count) => _slots = new SemaphoreSlim(count);

    public static int CountFor(int cores, int threadsPerConversion) => Math.Max(1, cores / threadsPerConversion);

    /// <summary>
    /// Waits for a slot when the file of <paramref name="size" /> bytes (null: unknown) needs one; dispose the result to
    /// give it back. Null when the file needs none.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(long? size, CancellationToken cancellationToken)
    {
        if (size <= FileTypeDetector.PrefixLength)
            return null;
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}
