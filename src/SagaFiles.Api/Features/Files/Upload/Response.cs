namespace SagaFiles.Api.Features.Files.Upload;

public sealed record Response(Guid Id, FileStatus Status, string OriginalName, long Size, FileLinks Links);
