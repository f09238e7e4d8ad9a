namespace SagaFiles.Api.Features.Files.Upload;

/// <summary>
/// The upload: multipart/form-data with a <c>file</c> part and an optional <c>tags</c> field (<c>key=value</c> pairs separated by
/// commas). The body is read as a stream, so nothing is bound here; <see cref="Tags" /> parses the field once it arrives.
/// </summary>
public static class UploadTags
{
    public const int MaxTags = 20;

    /// <summary>Parses <c>a=1,b=2</c>; returns why it cannot, or null.</summary>
    public static string? TryParse(string? text, out Dictionary<string, string> tags)
    {
        tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length is 0 or > 64 || parts[1].Length > 256 || parts[0].Any(char.IsControl) || parts[1].Any(char.IsControl))
                return $"Tag '{pair}' must be key=value, with a key of 1 to 64 and a value of at most 256 printable characters.";
            tags[parts[0]] = parts[1];
        }

        return tags.Count > MaxTags ? $"At most {MaxTags} tags are allowed." : null;
    }
}
