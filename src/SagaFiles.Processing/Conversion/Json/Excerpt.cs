namespace SagaFiles.Processing.Conversion.Json;

/// <summary>Input quoted in an error message, cut short so that a huge value cannot flood a log or a problem detail.</summary>
static class Excerpt
{
    const int MaxShown = 80;

    public static string Of(ReadOnlySpan<char> text) =>
        text.Length <= MaxShown ? text.ToString() : string.Concat(text[..MaxShown], "...");
}
