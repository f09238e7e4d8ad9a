namespace SagaFiles.Api.Features.Files.RetryMany;

/// <param name="Retried">How many Failed files were asked to resume.</param>
/// <param name="BulkId">Names this bulk retry in each retried file's history (<c>GET /files/{id}/events</c>).</param>
/// <param name="Filter">The filter as the history records it.</param>
public sealed record Response(int Retried, Guid BulkId, string Filter);
