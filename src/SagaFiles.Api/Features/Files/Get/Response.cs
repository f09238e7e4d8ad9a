using SagaFiles.Components.StateMachines;

namespace SagaFiles.Api.Features.Files.Get;

/// <summary>A file as users see it: where it is, what it is, how far it got, and what came out.</summary>
public sealed record Response(
    Guid Id,
    string OriginalName,
    string Bucket,
    string Key,
    string ContentType,
    string? DetectedType,
    long Size,
    IReadOnlyDictionary<string, string> Tags,
    FileStatus Status,
    string? CurrentStep,
    int Attempt,
    string? ErrorMessage,
    string? Sha256,
    Output? Output,
    DateTimeOffset? ProcessedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    FileLinks Links)
{
    public static Response From(FileState file) => new(
        file.CorrelationId,
        file.OriginalName,
        file.SourceBucket,
        file.SourceKey,
        file.ContentType,
        file.DetectedType,
        file.Size,
        file.Tags,
        FileStatuses.Of(file),
        file.CurrentStep,
        file.Attempt,
        file.ErrorMessage,
        file.Sha256,
        file.OutputKey == null
            ? null
            : new Output(file.OutputBucket!, file.OutputKey, file.OutputFormat ?? "original", file.OutputSize ?? 0, file.RowCount, file.ColumnCount),
        file.ProcessedAt,
        file.CreatedAt,
        file.UpdatedAt,
        FileLinks.For(file.CorrelationId));
}

public sealed record Output(string Bucket, string Key, string Format, long Size, long? RowCount, int? ColumnCount);
