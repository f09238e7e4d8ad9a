namespace SagaFiles.Api.Features.DeadLetters.Redrive;

public sealed class Request
{
    /// <summary>The endpoint's queue as GET /files/{id}/saga names it (e.g. convert-file), without the environment prefix.</summary>
    public string Queue { get; init; } = "";
}
