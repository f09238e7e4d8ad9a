namespace SagaFiles.Api.Features.DeadLetters.List;

/// <param name="Queues">Each step queue, in the order of the steps.</param>
public sealed record Response(IReadOnlyList<StepQueue> Queues);

/// <summary>
/// A step's queue (e.g. <c>convert-file</c>) and how many messages wait in it, in its <c>_error</c> queue (faulted after
/// their retries) and its <c>_dlq</c> (poison messages SQS moved aside); null for a queue that does not exist (yet).
/// </summary>
public sealed record StepQueue(string Queue, long? Waiting, long? Errors, long? DeadLetters);
