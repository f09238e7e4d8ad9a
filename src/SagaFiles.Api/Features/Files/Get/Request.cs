namespace SagaFiles.Api.Features.Files.Get;

public sealed record Request(Guid Id);
