namespace SagaFiles.Api.Features.DeadLetters.Redrive;

public sealed record Response(string Queue, int Moved);
