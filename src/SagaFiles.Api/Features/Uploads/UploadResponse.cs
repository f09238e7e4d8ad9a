using SagaFiles.Components.Data;

namespace SagaFiles.Api.Features.Uploads;

/// <summary>A resumable upload as its sender sees it: what it declared, the parts received and those still missing.</summary>
public sealed record UploadResponse(
    Guid Id,
    UploadStatus Status,
    string Name,
    long Size,
    string? ContentType,
    IReadOnlyDictionary<string, string> Tags,
    long PartSize,
    int PartCount,
    IReadOnlyList<PartResponse> Parts,
    IReadOnlyList<int> MissingParts,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    Guid? FileId,
    UploadLinks Links)
{
    public static UploadResponse From(Upload upload)
    {
        var received = upload.Parts.Select(p => p.Number).ToHashSet();
        var completed = upload.Status == UploadStatus.Completed;
        return new UploadResponse(upload.Id, upload.Status, upload.Name, upload.Size, upload.ContentType, upload.Tags, upload.PartSize,
            upload.PartCount, upload.Parts.OrderBy(p => p.Number).Select(PartResponse.From).ToList(),
            completed ? [] : Enumerable.Range(1, upload.PartCount).Where(n => !received.Contains(n)).ToList(),
            upload.CreatedAt, upload.ExpiresAt, completed ? upload.FileId : null,
            UploadLinks.For(upload.Id, completed ? upload.FileId : null));
    }
}

public sealed record PartResponse(int Number, long Size, string Etag, string? Sha256, DateTimeOffset ReceivedAt)
{
    public static PartResponse From(UploadPart part) => new(part.Number, part.Size, part.ETag, part.Sha256, part.ReceivedAt);
}

/// <summary>Where to send parts, ask for a part's direct link, complete, and (once completed) follow the file.</summary>
public sealed record UploadLinks(string Self, string Part, string PartUrl, string Complete, string? File)
{
    public static UploadLinks For(Guid id, Guid? fileId) =>
        new($"/uploads/{id}", $"/uploads/{id}/parts/{{n}}", $"/uploads/{id}/parts/{{n}}/url", $"/uploads/{id}/complete",
            fileId is { } file ? $"/files/{file}" : null);
}
