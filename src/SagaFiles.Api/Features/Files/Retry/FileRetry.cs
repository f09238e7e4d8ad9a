using System.Security.Claims;
using MassTransit;
using SagaFiles.Contracts;

namespace SagaFiles.Api.Features.Files.Retry;

/// <summary>
/// The one way the API retries a Failed file, for one file (POST /files/{id}/retry) and many (POST /files/retry): the saga
/// resumes it from the step that failed and records <c>note</c> in its history. Published through the bus outbox, so the
/// caller's <c>SaveChangesAsync</c> sends it, and the request is kept if the broker is briefly unreachable.
/// </summary>
public static class FileRetry
{
    public static Task RequestAsync(this IPublishEndpoint publish, Guid fileId, string note, TimeProvider clock, CancellationToken ct) =>
        publish.Publish(new FileRetryRequested { FileId = fileId, RequestedAt = clock.GetUtcNow(), Note = note }, ct);

    /// <summary>Who asks, as a history note shows it: the key's prefix (never the secret), or the token's subject.</summary>
    public static string Caller(this ClaimsPrincipal user) =>
        user.FindFirstValue(CallerClaims.KeyPrefix) is { } prefix ? $"key {prefix}"
        : (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub")) is { } subject ? $"token {subject}" : "a token";
}
