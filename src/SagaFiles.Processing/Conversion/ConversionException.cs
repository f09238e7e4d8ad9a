namespace SagaFiles.Processing.Conversion;

/// <summary>
/// The input cannot be converted: malformed CSV, an empty file, invalid UTF-8, a hostile archive, and the like. Permanent:
/// another attempt gives the same result.
/// </summary>
public class ConversionException : Exception
{
    public ConversionException(string message, long? lineNumber = null, Exception? innerException = null)
        : base(lineNumber is { } line ? $"Line {line}: {message}" : message, innerException) =>
        LineNumber = lineNumber;

    /// <summary>The 1-based line of the input where the offending record starts, when known.</summary>
    public long? LineNumber { get; }

    /// <summary>The record on <see cref="LineNumber" /> is malformed CSV (its quoting, length or field count), which it
    /// may not be when read in another dialect.</summary>
    internal bool MalformedRecord { get; init; }
}
