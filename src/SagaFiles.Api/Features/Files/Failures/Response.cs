using RetryFilter = SagaFiles.Api.Features.Files.RetryMany.Request;

namespace SagaFiles.Api.Features.Files.Failures;

/// <param name="Groups">The largest groups first.</param>
/// <param name="Failed">All the tenant's Failed files, in the groups shown or not.</param>
public sealed record Response(IReadOnlyList<FailureGroup> Groups, int Failed);

/// <summary>
/// The Failed files that stopped at one step for one reason. <paramref name="Retry" /> is the body of POST /files/retry that
/// retries them (the reason matches as text it contains, so a longer reason that contains this one is retried too).
/// </summary>
public sealed record FailureGroup(string? Step, string? Reason, int Files, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, RetryFilter Retry);
