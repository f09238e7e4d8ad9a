using SagaFiles.Intake;

namespace SagaFiles.Api.Features.Files.Upload;

/// <summary>The optional <c>Idempotency-Key</c> header: a repeated key answers with the file its first upload created.</summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set on an answer that repeats an earlier upload's instead of storing a new file.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Reads the header; returns why it is not acceptable, or null (with <paramref name="key" /> null when absent).</summary>
    public static string? TryRead(IHeaderDictionary headers, out string? key)
    {
        key = null;
        if (!headers.TryGetValue(Header, out var values))
            return null;
        if (values.Count != 1)
            return $"Send one {Header} header, not {values.Count}.";
        var value = values.ToString();
        if (IdempotencyKeys.Problem(value) is { } problem)
            return Problem(problem);
        key = value;
        return null;
    }

    /// <summary>The answer for a key that breaks <see cref="IdempotencyKeys" />' rule.</summary>
    public static string Problem(string problem) => $"{Header} {problem}.";
}
