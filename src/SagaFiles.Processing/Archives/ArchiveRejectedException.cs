using SagaFiles.Processing.Conversion;

namespace SagaFiles.Processing.Archives;

/// <summary>Why an archive was rejected.</summary>
public enum ArchiveRejection
{
    /// <summary>An entry's path is absolute, has a drive letter, a ".." segment or a NUL.</summary>
    UnsafePath,
    TooManyEntries,
    TooLarge,
    CompressionRatio,

    /// <summary>Truncated or damaged: the bytes do not form a valid archive.</summary>
    Corrupt,

    /// <summary>Valid, but uses a feature this reader does not handle (encryption, sparse tar entries, ...).</summary>
    Unsupported
}

/// <summary>
/// The archive cannot be unpacked safely. A <see cref="ConversionException" />, so the convert step fails the file at
/// once with <see cref="Exception.Message" /> as the reason.
/// </summary>
public sealed class ArchiveRejectedException(ArchiveRejection reason, string message, Exception? innerException = null)
    : ConversionException(message, innerException: innerException)
{
    public ArchiveRejection Reason { get; } = reason;
}
