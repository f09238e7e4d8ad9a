using System.Text;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// UTF-16 text with its byte order mark (Excel's "Unicode Text", SQL Server's and Windows PowerShell's exports), which
/// detection reads as text but the converters, built on UTF-8 bytes, cannot: transcoded as it streams to UTF-8 in a
/// <see cref="TempFile" /> (deleted when closed, or by the next worker to start after a crash), which is converted
/// instead. Memory stays that of a copy buffer.
/// </summary>
static class Utf16Input
{
    const int CopyBuffer = 81_920;

    /// <summary>
    /// A UTF-8 copy of <paramref name="input" /> (from its current position) when it starts with a UTF-16 byte order
    /// mark, positioned at its start and owned by the caller; null, with the input where it was, otherwise.
    /// </summary>
    /// <exception cref="ConversionException">The text is not valid UTF-16 (a lone surrogate, or an odd byte at the end).</exception>
    public static async Task<Stream?> TranscodeAsync(Stream input, CancellationToken cancellationToken)
    {
        if (!input.CanSeek)
            return null;
        var start = input.Position;
        var mark = new byte[2];
        var read = await input.ReadAtLeastAsync(mark, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        bool? bigEndian = read < 2 ? null : mark switch { [0xFF, 0xFE] => false, [0xFE, 0xFF] => true, _ => null };
        if (bigEndian is null)
        {
            input.Position = start;
            return null;
        }

        var utf16 = new UnicodeEncoding(bigEndian.Value, byteOrderMark: false, throwOnInvalidBytes: true);
        var copy = TempFile.Create("utf8");
        try
        {
            await using (var transcoded = Encoding.CreateTranscodingStream(input, utf16, new UTF8Encoding(false), leaveOpen: true))
                await transcoded.CopyToAsync(copy, CopyBuffer, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            return copy;
        }
        catch (DecoderFallbackException invalid)
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw new ConversionException(
                $"The text is marked as UTF-16 ({(bigEndian.Value ? "big" : "little")}-endian byte order mark) but is not " +
                "valid UTF-16 (a lone surrogate, or an odd number of bytes): save it again as UTF-8 or UTF-16.", null, invalid);
        }
        catch
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
