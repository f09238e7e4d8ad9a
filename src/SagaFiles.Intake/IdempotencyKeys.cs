using SagaFiles.Components.Data;

namespace SagaFiles.Intake;

/// <summary>The rule for an <see cref="IntakeRequest.IdempotencyKey" />, whichever door carries it.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = UploadKey.MaxLength;

    /// <summary>What is wrong with <paramref name="key" />, completing "The key ..."; null when it is fine.</summary>
    public static string? Problem(string key) =>
        key.Length is 0 or > MaxLength || !key.All(c => c is >= ' ' and <= '~') ? $"must be 1 to {MaxLength} printable ASCII characters" : null;
}
