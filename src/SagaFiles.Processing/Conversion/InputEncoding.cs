using System.Buffers;
using System.Text;
using System.Text.Unicode;
using SagaFiles.Processing.Detection;

namespace SagaFiles.Processing.Conversion;

/// <summary>
/// How a text input's bytes become characters: UTF-8 (a BOM is skipped), or Windows-1252 when the bytes are not UTF-8
/// but are plausible Windows-1252 text. The choice is made once, from the first <see cref="SniffLength" /> bytes, so a
/// large file is not read an extra time for it; an invalid UTF-8 sequence found later fails with its line and offset.
/// </summary>
/// <param name="Encoding">Decodes the text; the UTF-8 one throws on an invalid sequence rather than replacing it.</param>
/// <param name="BomLength">Bytes of byte order mark before the text.</param>
sealed record InputEncoding(Encoding Encoding, int BomLength)
{
    public const int SniffLength = 4 * 1024 * 1024;

    const int ScanChunk = 1024 * 1024;

    const string ButBomSaysUtf8 = "though its byte order mark says UTF-8";

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Sniffs the input from <paramref name="start" />; fails when it is neither UTF-8 nor Windows-1252 text.</summary>
    /// <exception cref="ConversionException">Invalid UTF-8 that is not Windows-1252 text either, naming where.</exception>
    public static async Task<InputEncoding> ChooseAsync(Stream input, long start, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SniffLength);
        int bomLength;
        try
        {
            input.Position = start;
            var read = await input.ReadAtLeastAsync(buffer.AsMemory(0, SniffLength), SniffLength, throwOnEndOfStream: false,
                cancellationToken).ConfigureAwait(false);
            var sniffed = buffer.AsSpan(0, read);
            bomLength = sniffed.StartsWith("\uFEFF"u8) ? 3 : 0;
            var body = sniffed[bomLength..];
            if (read == SniffLength)
                body = body[..TextSniffer.CompleteUtf8Length(body)]; // a character may straddle the sniff's end
            if (Utf8.IsValid(body))
                return new InputEncoding(StrictUtf8, bomLength);
            if (bomLength == 0 && TextSniffer.IsWindows1252Text(sniffed))
                return new InputEncoding(TextSniffer.Windows1252, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var invalid = await FindInvalidUtf8Async(input, start, cancellationToken).ConfigureAwait(false);
        var why = bomLength > 0 ? ButBomSaysUtf8 : "and not Latin-1 text either";
        throw new ConversionException($"{invalid.Describe()}, {why}.", invalid.Line);
    }

    /// <summary>
    /// The error for an invalid sequence met after the sniff chose UTF-8: rescans the input (a failure path only) to
    /// name the sequence's line and byte offset.
    /// </summary>
    public async Task<ConversionException> InvalidUtf8ErrorAsync(Stream input, long start, Exception cause,
        CancellationToken cancellationToken)
    {
        var invalid = await FindInvalidUtf8Async(input, start, cancellationToken).ConfigureAwait(false);
        var why = BomLength > 0 ? ButBomSaysUtf8 : $"though its first {SniffLength / (1024 * 1024)} MiB are UTF-8";
        return new ConversionException($"{invalid.Describe()}, {why}: save the whole file as UTF-8.", invalid.Line, cause);
    }

    /// <summary>Streams through the input counting lines up to its first invalid UTF-8 sequence.</summary>
    static async Task<InvalidSequence> FindInvalidUtf8Async(Stream input, long start, CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(ScanChunk + 4);
        var chars = ArrayPool<char>.Shared.Rent(ScanChunk + 4);
        try
        {
            input.Position = start;
            long offset = 0; // of bytes[0] in the input
            long line = 1;
            var carried = 0; // bytes of a sequence cut by the previous chunk's end
            while (true)
            {
                var read = await input.ReadAtLeastAsync(bytes.AsMemory(carried, ScanChunk), ScanChunk,
                    throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                var chunk = bytes.AsSpan(0, carried + read);
                var final = read < ScanChunk;
                var status = Utf8.ToUtf16(chunk, chars, out var consumed, out _, replaceInvalidSequences: false,
                    isFinalBlock: final);
                line += chunk[..consumed].Count((byte)'\n');
                if (status == OperationStatus.InvalidData || (final && consumed < chunk.Length))
                    return new InvalidSequence(chunk[consumed], offset + consumed, line);
                if (final)
                    throw new InvalidOperationException("The input was reported as invalid UTF-8 but it is valid.");
                carried = chunk.Length - consumed;
                chunk[consumed..].CopyTo(bytes);
                offset += consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    readonly record struct InvalidSequence(byte Byte, long Offset, long Line)
    {
        public string Describe() => $"invalid UTF-8 (byte 0x{Byte:X2} at offset {Offset})";
    }
}
