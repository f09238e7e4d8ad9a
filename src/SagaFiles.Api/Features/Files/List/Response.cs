namespace SagaFiles.Api.Features.Files.List;

public sealed record Response(IReadOnlyList<Get.Response> Items, int Page, int Limit, int Total);
