namespace SagaFiles.Api.Features.DeadLetters.Redrive;

/// <param name="Moved">All the messages moved back to <paramref name="Queue" />.</param>
/// <param name="Sources">Each failed-message queue that exists and how many of its messages moved.</param>
public sealed record Response(string Queue, int Moved, IReadOnlyList<RedrivenQueue> Sources);

/// <summary>A failed-message queue (e.g. <c>convert-file_dlq</c>, without the environment prefix) and how many of its messages moved.</summary>
public sealed record RedrivenQueue(string Queue, int Moved);
